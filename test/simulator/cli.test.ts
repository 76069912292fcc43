import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

import { describe, expect, it } from 'vitest';

import { scansPath } from './fixture.js';

describe('npm run simulator', () => {
  it('prints its URL, serves with the given key and limit, and exits on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/simulator/cli.ts', '--port', '0', '--rps', '0.1', '--burst', '1'],
      { env: { ...process.env, SIM_API_KEY: 'cli-key' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '';
      expect(url).not.toBe('');
      const headers = { authorization: 'Bearer cli-key' };
      expect((await fetch(url + scansPath('grp_a'), { headers })).status).toBe(200);
      expect((await fetch(url + scansPath('grp_a'), { headers })).status).toBe(429);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
