import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/process.js';

describe('npm start with a bad configuration', () => {
  it('stops before listening, one line per problem naming each variable, exit code non-zero', async () => {
    const run = runMain({ PORT: 'eighty', COOKIE_SECURE: 'maybe' });
    const code = await run.exited;
    expect(code).not.toBe(0);
    const lines = run.stderr().trim().split('\n');
    for (const name of ['UPSTREAM_BASE_URL', 'UPSTREAM_API_KEY', 'USERS_FILE', 'PORT', 'COOKIE_SECURE']) {
      expect(
        lines.some((l) => l.includes(`${name}:`)),
        name,
      ).toBe(true);
    }
    expect(run.output()).not.toContain('listening');
  });

  it('names the users file problem when the file is missing', async () => {
    const run = runMain({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
      UPSTREAM_API_KEY: 'k',
      USERS_FILE: '/nonexistent/users.json',
    });
    expect(await run.exited).not.toBe(0);
    expect(run.stderr()).toContain('/nonexistent/users.json');
  });
});
