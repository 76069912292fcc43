import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postLogin } from '../helpers/login.js';

async function envelopeOf(res: Response) {
  const body = (await res.json()) as {
    success: boolean;
    data: unknown;
    error: { code: string; message: string; details: unknown } | null;
    traceId: string;
  };
  expect(Object.keys(body).sort()).toEqual(['data', 'error', 'success', 'traceId']);
  expect(res.headers.get('x-trace-id')).toBe(body.traceId);
  expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  return body;
}

function expectSecurityHeaders(res: Response, hsts: boolean) {
  expect(res.headers.get('cache-control')).toContain('no-store');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(res.headers.has('x-powered-by')).toBe(false);
  expect(res.headers.has('server')).toBe(false);
  expect(res.headers.has('strict-transport-security')).toBe(hsts);
}

describe('every answer is the envelope with the gateway trace id and the security headers', () => {
  let gw: TestGateway;
  let secureGw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ store: 'memory' });
    secureGw = await startGateway({ store: 'memory', env: { COOKIE_SECURE: 'true' } });
    gw.deps.logger.level = 'silent';
  });
  afterAll(async () => {
    await gw.close();
    await secureGw.close();
  });

  it('an unknown route gets 404 NOT_FOUND', async () => {
    const res = await fetch(`${gw.url}/nope`);
    expect(res.status).toBe(404);
    const body = await envelopeOf(res);
    expect(body).toMatchObject({ success: false, data: null, error: { code: 'NOT_FOUND' } });
    expectSecurityHeaders(res, false);
  });

  it('a known route with the wrong method gets 405 METHOD_NOT_ALLOWED and Allow', async () => {
    const res = await fetch(`${gw.url}/auth/login`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await envelopeOf(res)).error?.code).toBe('METHOD_NOT_ALLOWED');
    const del = await fetch(`${gw.url}/v1/accounts/grp_a/signals/scans`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a JSON body over 4 KiB gets 413 PAYLOAD_TOO_LARGE before it is parsed', async () => {
    const res = await postLogin(gw, { username: 'a', password: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect((await envelopeOf(res)).error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an unexpected error gets 500 INTERNAL_ERROR with no stack, the stack goes to the log', async () => {
    // A second app on the same deps, with a route that throws: the gateway's own cannot grow one.
    const app = createApp(gw.deps);
    app.get('/boom', () => {
      throw new Error('kaboom-detail');
    });
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expect(text).not.toContain('kaboom-detail');
    expect(text).not.toMatch(/at .*\.ts/);
    expect((await envelopeOf(res)).error?.code).toBe('INTERNAL_ERROR');
  });

  it('health answers with the envelope and the headers; HSTS only when cookies are secure', async () => {
    const plain = await fetch(`${gw.url}/healthz`);
    expect(plain.status).toBe(200);
    expect(await envelopeOf(plain)).toMatchObject({ success: true, error: null, data: { status: 'ok' } });
    expectSecurityHeaders(plain, false);
    const secure = await fetch(`${secureGw.url}/healthz`);
    expectSecurityHeaders(secure, true);
    expect(secure.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('every request gets a new trace id, and a client-sent one is ignored', async () => {
    const a = await fetch(`${gw.url}/healthz`, { headers: { 'x-trace-id': 'client-chosen' } });
    const b = await fetch(`${gw.url}/healthz`);
    const ta = (await envelopeOf(a)).traceId;
    const tb = (await envelopeOf(b)).traceId;
    expect(ta).not.toBe('client-chosen');
    expect(ta).not.toBe(tb);
  });
});
