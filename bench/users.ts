import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLD_GROUPS, PAGE_GROUPS } from './pages.js';

const HASH_PASSWORD = fileURLToPath(new URL('../dist/cli/hash-password.js', import.meta.url));

export interface BenchUser {
  username: string;
  password: string;
}

/** `reader` holds the cookie of the load scenarios; `login` is the one the login scenario logs in as. */
export interface BenchUsers {
  file: string;
  reader: BenchUser;
  login: BenchUser;
}

/** Writes the gateways' users file, hashed by the built `hash-password` CLI (production cost). */
export async function writeUsers(dir: string): Promise<BenchUsers> {
  const reader = { username: 'bench-reader', password: 'bench-reader-password' };
  const login = { username: 'bench-login', password: 'bench-login-password' };
  const users = await Promise.all(
    [reader, login].map(async (u) => ({
      id: `u_${u.username.replace('-', '_')}`,
      username: u.username,
      passwordHash: await hashPassword(u.password),
      accountGroups: [...PAGE_GROUPS, ...COLD_GROUPS],
      roles: [],
    })),
  );
  const file = join(dir, 'users.json');
  writeFileSync(file, JSON.stringify({ users }));
  return { file, reader, login };
}

function hashPassword(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HASH_PASSWORD], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`hash-password exited with ${code}`)),
    );
    child.stdin.end(password);
  });
}
