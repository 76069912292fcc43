import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { loadUserDirectory } from '../../src/auth/user-directory.js';
import { ConfigError } from '../../src/config.js';
import { TEST_HASH_PARAMS, writeUsersJson } from '../helpers/users.js';

let hash: string;
beforeAll(async () => {
  hash = await hashPassword('pw', TEST_HASH_PARAMS);
});

const user = (overrides: Record<string, unknown> = {}) => ({
  id: 'u_alice',
  username: 'alice',
  passwordHash: hash,
  accountGroups: ['grp_a'],
  roles: [],
  ...overrides,
});

function problemsOf(file: string): string[] {
  try {
    loadUserDirectory(file);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('the users file', () => {
  it('loads users by id and by exact username, with their groups and roles', () => {
    const dir = loadUserDirectory(
      writeUsersJson({ users: [user(), user({ id: 'u_b', username: 'Bob', roles: ['auditor'] })] }),
    );
    expect(dir.byUsername('alice')?.id).toBe('u_alice');
    expect(dir.byUsername('Bob')?.roles).toEqual(['auditor']);
    expect(dir.byUsername('bob')).toBeUndefined();
    expect(dir.byUsername('constructor')).toBeUndefined();
    expect(dir.byUsername('__proto__')).toBeUndefined();
    expect(dir.byId('u_b')?.username).toBe('Bob');
    expect(dir.all().map((u) => u.id)).toEqual(['u_alice', 'u_b']);
  });

  it('takes roles as optional (none)', () => {
    const { roles: _roles, ...withoutRoles } = user();
    expect(loadUserDirectory(writeUsersJson({ users: [withoutRoles] })).byId('u_alice')?.roles).toEqual([]);
  });

  it('names the file, the user index and the field of every problem', () => {
    const file = writeUsersJson({
      users: [
        user(),
        user({ id: 'u_2', username: 'two', passwordHash: 'plain-text' }),
        user({ id: 'u_3', username: 'three', accountGroups: ['grp ok?'] }),
        user({ id: 'u_4', username: 'four', roles: 'auditor' }),
        user({ id: 'u {5}', username: 'five', extra: true }),
      ],
    });
    const problems = problemsOf(file);
    expect(problems).toHaveLength(5);
    for (const p of problems) expect(p.startsWith(`USERS_FILE ${file}: users[`)).toBe(true);
    expect(problems.join('\n')).toMatch(/users\[1\]\.passwordHash: must be a hash printed by/);
    expect(problems.join('\n')).toMatch(/users\[2\]\.accountGroups\[0\]: must be 1-64 letters/);
    expect(problems.join('\n')).toMatch(/users\[3\]\.roles: /);
    expect(problems.join('\n')).toMatch(/users\[4\]\.id: /);
    expect(problems.join('\n')).toMatch(/users\[4\]: unknown field\(s\) extra/);
  });

  it('rejects duplicate ids and usernames (usernames in any case)', () => {
    const problems = problemsOf(
      writeUsersJson({
        users: [user(), user({ username: 'other' }), user({ id: 'u_3', username: 'ALICE' })],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/users\[1\]\.id: "u_alice" is also the id of users\[0\]/),
      expect.stringMatching(/users\[2\]\.username: "ALICE" is also the username of users\[0\]/),
    ]);
  });

  it.each([
    ['a missing file', null, /cannot be read \(ENOENT\)/],
    ['a file that is not JSON', '{"users": [', /is not valid JSON/],
    ['a file without users', { people: [] }, /users: /],
    ['a list instead of an object', [user()], /the file: /],
  ])('refuses %s with one clear line', (_name, content, pattern) => {
    const file =
      content === null ? join(tmpdir(), 'sbff-no-such-dir', 'users.json') : writeUsersJson(content);
    const problems = problemsOf(file);
    expect(problems[0]).toMatch(new RegExp(`^USERS_FILE ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(problems.join('\n')).toMatch(pattern);
  });

  it('reload swaps in a valid new file, and keeps the current users when the new one is bad', () => {
    const file = writeUsersJson({ users: [user()] });
    const dir = loadUserDirectory(file);
    writeUsersJson(
      { users: [user({ accountGroups: ['grp_b'] }), user({ id: 'u_n', username: 'new' })] },
      file,
    );
    expect(dir.reload()).toEqual({ ok: true, count: 2 });
    expect(dir.byUsername('alice')?.accountGroups).toEqual(['grp_b']);
    expect(dir.byUsername('new')?.id).toBe('u_n');

    writeUsersJson('{"users": [ oops', file);
    const bad = dir.reload();
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringMatching(/is not valid JSON/)]);
    writeUsersJson({ users: [user(), user()] }, file);
    expect(dir.reload().ok).toBe(false);
    expect(dir.byUsername('new')?.id).toBe('u_n');
    expect(dir.byUsername('alice')?.accountGroups).toEqual(['grp_b']);
  });
});
