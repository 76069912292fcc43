// PLACEHOLDER (auth helper replaces): reads the users file without validation.
import { readFileSync } from 'node:fs';
import type { User, UserDirectory } from './types.js';

export function loadUserDirectory(path: string): UserDirectory {
  const read = (): User[] => (JSON.parse(readFileSync(path, 'utf8')) as { users: User[] }).users;
  let users = read();
  return {
    byId: (id) => users.find((u) => u.id === id),
    byUsername: (name) => users.find((u) => u.username === name),
    loaded: true,
    reload() {
      users = read();
      return { ok: true, count: users.length };
    },
  };
}
