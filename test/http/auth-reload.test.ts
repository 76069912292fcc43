import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { DEFAULT_USERS, writeUsersFile, writeUsersJson } from '../helpers/users.js';

/** SIGHUP calls deps.reload(); authorization is read from the current users file on every request. */
describe('re-reading the users file (SIGHUP)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway();
  });
  beforeEach(async () => {
    gw.sim.reset();
    await writeUsersFile(DEFAULT_USERS, gw.usersFile);
    gw.deps.reload();
  });
  afterAll(() => gw.close());

  const codeOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string } | null }).error?.code;
  const withAlice = (accountGroups: string[]) =>
    DEFAULT_USERS.map((u) => (u.id === 'u_alice' ? { ...u, accountGroups } : u));

  it('a group removed from a live session gets 403 FORBIDDEN on the next request, upstream not called', async () => {
    const { cookie } = await gw.login('alice', 'alice-password-1');
    expect((await gw.get('/v1/accounts/grp_b/signals/scans', cookie)).status).toBe(200);
    gw.sim.reset();

    await writeUsersFile(withAlice(['grp_a']), gw.usersFile);
    gw.deps.reload();

    const res = await gw.get('/v1/accounts/grp_b/signals/scans', cookie);
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('FORBIDDEN');
    expect(gw.sim.callCount()).toBe(0);
    expect((await gw.get('/v1/accounts/grp_a/signals/scans', cookie)).status).toBe(200);
    const session = (await (await gw.get('/auth/session', cookie)).json()) as {
      data: { user: { accountGroups: string[] } };
    };
    expect(session.data.user.accountGroups).toEqual(['grp_a']);
  });

  it('a group added takes effect at once too', async () => {
    const { cookie } = await gw.login('bob', 'bob-password-1');
    expect((await gw.get('/v1/accounts/grp_a/signals/scans', cookie)).status).toBe(403);
    await writeUsersFile(
      DEFAULT_USERS.map((u) => (u.id === 'u_bob' ? { ...u, accountGroups: ['grp_a', 'grp_b'] } : u)),
      gw.usersFile,
    );
    gw.deps.reload();
    expect((await gw.get('/v1/accounts/grp_a/signals/scans', cookie)).status).toBe(200);
  });

  it('a removed user gets 401 on the next request and cannot log in', async () => {
    const { cookie } = await gw.login('bob', 'bob-password-1');
    await writeUsersFile(
      DEFAULT_USERS.filter((u) => u.id !== 'u_bob'),
      gw.usersFile,
    );
    gw.deps.reload();
    const res = await gw.get('/v1/accounts/grp_b/signals/scans', cookie);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('UNAUTHENTICATED');
    expect(gw.sim.callCount()).toBe(0);
    await expect(gw.login('bob', 'bob-password-1')).rejects.toThrow(/401/);
  });

  it.each([
    ['not JSON', '{"users": ['],
    ['a duplicate user', JSON.stringify({ users: [{ id: 'x' }, { id: 'x' }] })],
    ['an empty file', ''],
  ])('a bad new file (%s) keeps the old users and logs why', async (_name, content) => {
    const { cookie } = await gw.login('alice', 'alice-password-1');
    writeUsersJson(content, gw.usersFile);
    gw.deps.reload();
    expect(gw.logs.text()).toContain('users file rejected; keeping the previous users');
    expect(gw.logs.text()).toContain(`USERS_FILE ${gw.usersFile}`);
    expect((await gw.get('/v1/accounts/grp_b/signals/scans', cookie)).status).toBe(200);
    expect((await gw.login('bob', 'bob-password-1')).csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });
});
