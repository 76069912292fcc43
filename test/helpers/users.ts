import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/auth/password.js';

/** Cheap scrypt for tests (the cost is read from each hash); production uses N=2^17. */
export const TEST_HASH_PARAMS = { logN: 10, r: 8, p: 1 };

export interface TestUser {
  id: string;
  username: string;
  password: string;
  accountGroups: string[];
  roles?: string[];
}

export const DEFAULT_USERS: TestUser[] = [
  { id: 'u_alice', username: 'alice', password: 'alice-password-1', accountGroups: ['grp_a', 'grp_b'] },
  { id: 'u_bob', username: 'bob', password: 'bob-password-1', accountGroups: ['grp_b'] },
  {
    id: 'u_audrey',
    username: 'audrey',
    password: 'audrey-password-1',
    accountGroups: [],
    roles: ['auditor'],
  },
];

/**
 * Writes a users file as it is, valid or not: a string verbatim, anything else as JSON. Without a
 * path, into a fresh temporary directory. Returns the path.
 */
export function writeUsersJson(content: unknown, path?: string): string {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'sbff-users-')), 'users.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Writes a valid users file for `users`, their passwords hashed at the test cost. */
export async function writeUsersFile(users: TestUser[], path?: string): Promise<string> {
  const entries = await Promise.all(
    users.map(async (u) => ({
      id: u.id,
      username: u.username,
      passwordHash: await hashPassword(u.password, TEST_HASH_PARAMS),
      accountGroups: u.accountGroups,
      roles: u.roles ?? [],
    })),
  );
  return writeUsersJson({ users: entries }, path);
}
