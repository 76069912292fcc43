import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/password.js';
import { passwordFromInput } from '../../src/auth/password-input.js';

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

  it.each([
    ['an empty password', '\n', /empty/],
    ['nothing at all', '', /empty/],
    ['a password over 1 KiB', `${'x'.repeat(1025)}\n`, /over 1024 bytes/],
    ['a password over 1 KiB in UTF-8 bytes', `${'€'.repeat(342)}`, /over 1024 bytes/],
    ['several lines', 'one\ntwo\n', /one line/],
  ])('refuses %s', (_name, input, message) => {
    const read = passwordFromInput(input);
    expect(read.ok ? '' : read.problem).toMatch(message);
  });

  it.each([
    ['pw\n', 'pw'],
    ['pw\r\n', 'pw'],
    ['pw', 'pw'],
    ['pw\n\n', null],
    [' spaced out ', ' spaced out '],
    ['x'.repeat(1024), 'x'.repeat(1024)],
  ])('reads %j as %j', (input, expected) => {
    const read = passwordFromInput(input);
    expect(read.ok ? read.password : null).toBe(expected);
  });
});
