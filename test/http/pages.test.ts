import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP, DOCS_CSP } from '../../src/http/routes/pages.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const CROSS_SITE_NAVIGATION = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };

/** docs/frontend.md#example-app and #docs-page: GET / (UI_ENABLED) and GET /docs (DOCS_ENABLED), off by default. */
describe('the example app and the docs page', () => {
  let off: TestGateway;
  let on: TestGateway;

  beforeAll(async () => {
    [off, on] = await Promise.all([
      startGateway({ store: 'memory' }),
      startGateway({ store: 'memory', env: { UI_ENABLED: 'true', DOCS_ENABLED: 'true' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([off.close(), on.close()]);
  });

  it('are 404 unless enabled; the document is served either way', async () => {
    for (const path of ['/', '/docs', '/app/app.js', '/docs/assets/swagger-ui-bundle.js']) {
      const res = await fetch(`${off.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    expect((await fetch(`${off.url}/openapi.json`)).status).toBe(200);
  });

  it('serve the app with its own CSP and the usual security headers', async () => {
    const res = await fetch(`${on.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toContain('unsafe');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/app/app.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/);
  });

  it('serve the docs page with its own CSP and Swagger UI from the installed package', async () => {
    const page = await fetch(`${on.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(await page.text()).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${on.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('answer 304 to a browser that has the file, and 404 to any name not shipped', async () => {
    const first = await fetch(`${on.url}/app/app.js`);
    const etag = first.headers.get('etag') ?? '';
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await fetch(`${on.url}/app/app.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    for (const path of [
      '/app/nope.js',
      '/app/%2e%2e/index.html',
      '/app/..%2f..%2fpackage.json',
      '/docs/assets/index.html',
    ]) {
      expect((await fetch(`${on.url}${path}`)).status, path).toBe(404);
    }
  });

  it('open from a link on another site, while the API still refuses that site', async () => {
    expect((await fetch(`${on.url}/`, { headers: CROSS_SITE_NAVIGATION })).status).toBe(200);
    expect((await fetch(`${on.url}/docs`, { headers: CROSS_SITE_NAVIGATION })).status).toBe(200);
    const api = await fetch(`${on.url}/auth/session`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(api.status).toBe(403);
    const refused = await fetch(`${on.url}/openapi.json`, { headers: { origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
  });

  it('say whether “Sign in with SSO” is offered: not without the OIDC routes', async () => {
    const res = await fetch(`${on.url}/auth/methods`);
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      password: true,
      oidc: { enabled: false, loginPath: null },
    });
  });
});
