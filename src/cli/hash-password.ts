import { hashPassword } from '../auth/password.js';
import { passwordFromInput } from '../auth/password-input.js';

/**
 * `npm run -s hash-password`: one password on stdin (piped, or typed without echo on a terminal),
 * one line on stdout: the hash for the users file. Anything wrong goes to stderr with exit 1.
 */
async function main(): Promise<void> {
  const input = passwordFromInput(process.stdin.isTTY ? await readTyped() : await readPiped());
  if (!input.ok) {
    process.stderr.write(`hash-password: ${input.problem}\n`);
    process.exit(1);
  }
  process.stdout.write(`${await hashPassword(input.password)}\n`);
}

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line with echo off, so the password does not stay on the screen. */
function readTyped(): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(typed);
        if (ch === '\u0003') {
          finish('');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`hash-password: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
