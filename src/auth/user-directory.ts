import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { ACCOUNT_GROUP_ID, ACCOUNT_GROUP_ID_RULE } from '../platform/account-group-id.js';
import { describeZodIssues, problemLines } from '../platform/zod-issues.js';
import { parseScryptHash } from './scrypt-format.js';
import type { User, UserDirectory } from './identity.js';

/** User ids end up inside store keys (and their Redis Cluster hash tags): no braces, no spaces. */
export const USER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
/** The ids of single sign-on users start so; none in the users file may. */
export const OIDC_USER_PREFIX = 'oidc:';
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

const userSchema = z.strictObject({
  id: z
    .string()
    .regex(USER_ID, 'must be 1-128 letters, digits or _ . : @ -')
    .refine(
      (id) => !id.startsWith(OIDC_USER_PREFIX),
      `must not start with ${OIDC_USER_PREFIX} (single sign-on users)`,
    ),
  username: z
    .string()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .refine((u) => !CONTROL.test(u), 'must not contain control characters')
    .refine((u) => u.trim() === u, 'must not start or end with spaces'),
  passwordHash: z
    .string()
    .refine((h) => parseScryptHash(h) !== undefined, 'must be a hash printed by `npm run -s hash-password`'),
  accountGroups: z.array(z.string().regex(ACCOUNT_GROUP_ID, ACCOUNT_GROUP_ID_RULE)),
  roles: z.array(z.string().min(1).max(64)).default([]),
});

const fileSchema = z.strictObject({ users: z.array(userSchema) });

/** No users file (single sign-on only): nobody logs in with a password. */
export function emptyUserDirectory(): UsersFileDirectory {
  return {
    byId: () => undefined,
    byUsername: () => undefined,
    all: () => [],
    reload: () => ({ ok: true, count: 0 }),
  };
}

/** The directory of the users file, with the list the password hasher takes its cost from. */
export interface UsersFileDirectory extends UserDirectory {
  /** Every user, in file order. */
  all(): readonly User[];
}

type ReadResult = { ok: true; users: readonly User[] } | { ok: false; problems: string[] };

/**
 * Loads the users file (docs/configuration.md#users-file); throws ConfigError naming the file, each user's index and
 * field when it is unusable. `reload()` (SIGHUP) swaps in a new file only when all of it is
 * valid; otherwise the current users stay and the problems are returned for the log.
 */
export function loadUserDirectory(path: string): UsersFileDirectory {
  const first = readUsersFile(path);
  if (!first.ok) throw new ConfigError(first.problems);
  let current = index(first.users);

  return {
    byId: (id) => current.byId.get(id),
    byUsername: (username) => current.byUsername.get(username),
    all: () => current.list,
    reload() {
      const next = readUsersFile(path);
      if (!next.ok) return next;
      current = index(next.users);
      return { ok: true, count: next.users.length };
    },
  };
}

/** Reads and validates the file; every problem is one line starting with `USERS_FILE <path>:`. */
function readUsersFile(path: string): ReadResult {
  const problem = (what: string) => `USERS_FILE ${path}: ${what}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, problems: [problem(`cannot be read (${code})`)] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [problem(`is not valid JSON (${(error as Error).message})`)] };
  }
  // reportInput tells a missing field from a wrong one; the values never reach a message.
  const parsed = fileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    return {
      ok: false,
      problems: problemLines(describeZodIssues(parsed.error, 'the file')).map(problem),
    };
  }
  const users = parsed.data.users.map((u) =>
    Object.freeze({ ...u, accountGroups: [...new Set(u.accountGroups)], roles: [...new Set(u.roles)] }),
  );
  const duplicates = findDuplicates(users).map(problem);
  return duplicates.length > 0 ? { ok: false, problems: duplicates } : { ok: true, users };
}

/**
 * Usernames are compared without case because the login throttle counts per lower-cased name:
 * "Alice" and "alice" would otherwise share one budget of failures.
 */
function findDuplicates(users: readonly User[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  users.forEach((u, i) => {
    const sameId = ids.get(u.id);
    if (sameId !== undefined) problems.push(`users[${i}].id: "${u.id}" is also the id of users[${sameId}]`);
    else ids.set(u.id, i);
    const name = u.username.toLowerCase();
    const sameName = names.get(name);
    if (sameName !== undefined)
      problems.push(`users[${i}].username: "${u.username}" is also the username of users[${sameName}]`);
    else names.set(name, i);
  });
  return problems;
}

function index(list: readonly User[]) {
  return {
    list,
    byId: new Map(list.map((u) => [u.id, u])),
    byUsername: new Map(list.map((u) => [u.username, u])),
  };
}
