import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/auth/password.js';
import { COLD_GROUPS, PAGE_GROUPS } from './pages.js';

export interface BenchUser {
  username: string;
  password: string;
}

export interface BenchUsers {
  file: string;
  /** Deletes the file and its directory. */
  remove(): void;
  /** Hashed at a test cost: logs in quickly, for the cookie of the HIT and MISS scenarios. */
  reader: BenchUser;
  /** Hashed at the production cost (the hasher's defaults), for the login scenario. */
  production: BenchUser;
}

/** Writes a users file for the bench gateways, in a temporary directory. */
export async function writeBenchUsers(): Promise<BenchUsers> {
  const reader = { username: 'bench-reader', password: 'bench-reader-password' };
  const production = { username: 'bench-login', password: 'bench-login-password' };
  const entries = [
    { id: 'u_bench_reader', ...reader, hash: await hashPassword(reader.password, { logN: 10, r: 8, p: 1 }) },
    { id: 'u_bench_login', ...production, hash: await hashPassword(production.password) },
  ].map((u) => ({
    id: u.id,
    username: u.username,
    passwordHash: u.hash,
    accountGroups: [...PAGE_GROUPS, ...COLD_GROUPS],
    roles: [],
  }));
  const dir = mkdtempSync(join(tmpdir(), 'sbff-bench-users-'));
  const file = join(dir, 'users.json');
  writeFileSync(file, JSON.stringify({ users: entries }, null, 2));
  return { file, reader, production, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
