import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/password.js';

function hashPasswordCli(stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/hash-password.ts'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run -s hash-password', () => {
  it('prints exactly one line, a production-cost hash of the piped password without its newline', async () => {
    const { code, stdout, stderr } = await hashPasswordCli('s3cret pass\n');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[^\n$]+\$[^\n$]+\n$/);
    const hasher = createPasswordHasher({ maxConcurrent: 1 });
    expect(await hasher.verify('s3cret pass', stdout.trim())).toBe(true);
  });

  it('refuses an empty password on stderr with exit 1', async () => {
    const { code, stdout, stderr } = await hashPasswordCli('\n');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('hash-password: the password is empty\n');
  });
});
