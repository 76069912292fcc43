import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';
import { DEFAULT_USERS, writeUsersFile, writeUsersJson, type TestUser } from './users.js';

/** A route behind a session, as the shared checks need to call it. */
export interface ProtectedRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** What a valid request gets (the positive control). @default 200 */
  okStatus?: number;
  /** Headers a valid request needs besides the cookie, given the login's CSRF token. */
  headers?: (csrfToken: string) => Record<string, string>;
  /** The user the checks log in as. @default alice (DEFAULT_USERS[0]) */
  as?: TestUser;
  /** The users file. @default DEFAULT_USERS */
  users?: TestUser[];
}

const IDLE_S = 60;
const ABSOLUTE_S = 150;

/**
 * The checks every protected route runs (STYLE §10): no cookie, garbage and oversized cookies,
 * idle- and absolute-expired sessions (an injected clock, no sleeps), a logged-out cookie and the
 * cookie of a user removed from the users file: each 401 UNAUTHENTICATED in the envelope, with the
 * upstream never called. A valid session is the positive control.
 */
export function registerAuthChecks(route: ProtectedRoute): void {
  const users = route.users ?? DEFAULT_USERS;
  const as = route.as ?? users[0] ?? DEFAULT_USERS[0];
  if (as === undefined) throw new Error('registerAuthChecks needs a user');

  describe(`${route.method} ${route.path} refuses every request without a live session`, () => {
    let gw: TestGateway;
    let now = Date.now();

    beforeAll(async () => {
      gw = await startGateway({
        users,
        clock: () => now,
        env: { SESSION_IDLE_S: String(IDLE_S), SESSION_ABSOLUTE_S: String(ABSOLUTE_S) },
      });
    });
    beforeEach(() => gw.sim.reset());
    afterAll(() => gw.close());

    const login = () => gw.login(as.username, as.password);
    const call = (cookie: string | undefined, csrfToken = 'no-token') =>
      fetch(`${gw.url}${route.path}`, {
        method: route.method,
        headers: { ...route.headers?.(csrfToken), ...(cookie === undefined ? {} : { cookie }) },
      });
    const advance = (seconds: number) => {
      now += seconds * 1000;
    };

    async function expectUnauthenticated(res: Response) {
      const body = (await res.json()) as { success: boolean; data: unknown; error: { code: string } | null };
      expect(res.status).toBe(401);
      expect(body).toMatchObject({ success: false, data: null, error: { code: 'UNAUTHENTICATED' } });
      expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
      expect(gw.sim.callCount()).toBe(0);
    }

    it('a live session passes (the control for the checks below)', async () => {
      const { cookie, csrfToken } = await login();
      const res = await call(cookie, csrfToken);
      expect(res.status).toBe(route.okStatus ?? 200);
    });

    it('no cookie gets 401', async () => {
      await expectUnauthenticated(await call(undefined));
    });

    it('a garbage cookie gets 401', async () => {
      const name = gw.config.cookie.secure ? '__Host-sbff_session' : 'sbff_session';
      await expectUnauthenticated(await call(`${name}=garbage%00%ff;;=`));
      await expectUnauthenticated(await call(`${name}=${'A'.repeat(43)}`));
    });

    it('an oversized cookie gets 401', async () => {
      await expectUnauthenticated(await call(`sbff_session=${'x'.repeat(8 * 1024)}`));
    });

    it('an idle-expired session gets 401', async () => {
      const { cookie, csrfToken } = await login();
      advance(IDLE_S + 1);
      await expectUnauthenticated(await call(cookie, csrfToken));
    });

    it('an absolute-expired session gets 401 even while in use', async () => {
      const { cookie, csrfToken } = await login();
      // Used every 50 s (within the idle time) until the absolute lifetime of 150 s is over.
      advance(50);
      expect((await gw.get('/auth/session', cookie)).status).toBe(200);
      advance(50);
      expect((await gw.get('/auth/session', cookie)).status).toBe(200);
      advance(50);
      await expectUnauthenticated(await call(cookie, csrfToken));
    });

    it('a logged-out cookie gets 401', async () => {
      const { cookie, csrfToken } = await login();
      const out = await fetch(`${gw.url}/auth/logout`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      expect(out.status).toBe(200);
      await expectUnauthenticated(await call(cookie, csrfToken));
    });

    it('the cookie of a user removed from the users file gets 401', async () => {
      const { cookie, csrfToken } = await login();
      const original = readFileSync(gw.usersFile, 'utf8');
      try {
        await writeUsersFile(
          users.filter((u) => u.id !== as.id),
          gw.usersFile,
        );
        gw.deps.reload();
        await expectUnauthenticated(await call(cookie, csrfToken));
      } finally {
        writeUsersJson(original, gw.usersFile);
        gw.deps.reload();
      }
      // Back in the file, the user must log in again: the session ended with the removal.
      await expectUnauthenticated(await call(cookie, csrfToken));
    });
  });
}
