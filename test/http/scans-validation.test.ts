import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/** docs/api.md#validation: 400 VALIDATION_ERROR in the envelope, and the upstream is not called. */
describe('the scans route refuses bad input before any upstream call', () => {
  let gw: TestGateway;
  let cookie: string;
  const scans = '/v1/accounts/grp_a/signals/scans';

  beforeAll(async () => {
    gw = await startGateway({ env: { MAX_PAGE_LIMIT: '50' } });
    ({ cookie } = await gw.login('alice', 'alice-password-1'));
  });
  beforeEach(() => gw.sim.reset());
  afterAll(() => gw.close());

  async function expectRejected(pathAndQuery: string) {
    const res = await gw.get(pathAndQuery, cookie);
    const body = (await res.json()) as {
      success: boolean;
      error: { code: string; message: string; details: unknown };
    };
    expect(res.status, pathAndQuery).toBe(400);
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(gw.sim.callCount(), pathAndQuery).toBe(0);
  }

  it.each([
    ['limit with a sign', '?limit=+5'],
    ['negative limit', '?limit=-5'],
    ['limit with a space', '?limit=%205'],
    ['limit with an exponent', '?limit=1e1'],
    ['hex limit', '?limit=0x10'],
    ['decimal limit', '?limit=2.5'],
    ['zero limit', '?limit=0'],
    ['limit over MAX_PAGE_LIMIT', '?limit=51'],
    ['empty limit', '?limit='],
    ['a huge limit', `?limit=${'9'.repeat(400)}`],
    ['cursor with characters outside base64url', '?cursor=abc%2Fdef'],
    ['cursor with a plus', '?cursor=abc%2Bdef'],
    ['cursor over 1024 characters', `?cursor=${'a'.repeat(1025)}`],
    ['status with capitals', '?status=Queued'],
    ['status starting with a digit', '?status=1queued'],
    ['status over 32 characters', `?status=a${'b'.repeat(32)}`],
    ['status with a dash', '?status=in-progress'],
    ['a repeated parameter', '?limit=5&limit=6'],
    ['a repeated status', '?status=queued&status=failed'],
    ['an unknown parameter', '?foo=bar'],
    ['an unknown parameter next to good ones', '?limit=5&sort=asc'],
  ])('%s gets 400', async (_name, query) => {
    await expectRejected(`${scans}${query}`);
  });

  it.each([
    ['too long', `/v1/accounts/${'g'.repeat(65)}/signals/scans`],
    ['with a dot', '/v1/accounts/grp.a/signals/scans'],
    ['with an encoded slash', '/v1/accounts/grp%2Fa/signals/scans'],
    ['with an encoded space', '/v1/accounts/grp%20a/signals/scans'],
    ['with encoded unicode', '/v1/accounts/gr%C3%A9p/signals/scans'],
  ])('an account group id %s gets 400', async (_name, path) => {
    await expectRejected(path);
  });

  it('accepts the good forms and passes them on', async () => {
    const cursor = 'A'.repeat(1022) + '==';
    const ok = await gw.get(`${scans}?limit=007&status=queued`, cookie);
    expect(ok.status).toBe(200);
    const padded = await gw.get(`${scans}?cursor=${cursor}`, cookie);
    // The simulator rejects a cursor it never issued: that is its 400, passed through.
    expect(padded.status).toBe(400);
    expect(gw.sim.calls.at(-1)?.query['cursor']).toBe(cursor);
    expect(gw.sim.calls[0]?.query['limit']).toBe('7');
  });
});
