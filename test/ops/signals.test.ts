import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { createKeys } from '../../src/store/keys.js';
import { login } from '../helpers/login.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { REDIS_URL } from '../helpers/redis.js';
import { DEFAULT_USERS, writeUsersFile } from '../helpers/users.js';
import { streamRecords } from '../audit/fixture.js';

describe('the gateway process and its signals', () => {
  let sim: RunningSimulator;
  let usersFile: string;
  let dir: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    sim = await startSimulator({
      keys: [
        { key: 'key-one', accountGroups: '*', permissions: ['signals:read'] },
        { key: 'key-two', accountGroups: '*', permissions: ['signals:read'] },
      ],
    });
    usersFile = await writeUsersFile(DEFAULT_USERS);
    dir = mkdtempSync(join(tmpdir(), 'sbff-proc-'));
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    sim.reset();
  });
  afterAll(() => sim.close());

  const start = async (parts: { apiKey?: string; env?: Record<string, string> }) => {
    gateway = await startGatewayProcess({ simulator: sim, usersFile, ...parts });
    return gateway;
  };
  const aliceCookie = async (proc: GatewayProcess) => (await login(proc, 'alice', 'alice-password-1')).cookie;

  it('SIGHUP with a new key file: the next upstream call uses the new key', async () => {
    const keyFile = join(dir, 'api-key');
    writeFileSync(keyFile, 'key-one\n');
    const proc = await start({ env: { UPSTREAM_API_KEY_FILE: keyFile } });
    const cookie = await aliceCookie(proc);
    const first = await fetch(`${proc.url}/v1/accounts/grp_a/signals/scans`, { headers: { cookie } });
    expect(first.status).toBe(200);
    expect(sim.calls.at(-1)?.headers['authorization']).toBe('Bearer key-one');

    writeFileSync(keyFile, 'key-two\n');
    proc.child.kill('SIGHUP');
    await proc.waitForLine('upstream API key reloaded');
    const second = await fetch(`${proc.url}/v1/accounts/grp_a/signals/scans`, {
      headers: { cookie, 'cache-control': 'no-cache' },
    });
    expect(second.status).toBe(200);
    expect(sim.calls.at(-1)?.headers['authorization']).toBe('Bearer key-two');
    expect(proc.output()).not.toContain('key-two');
  });

  it('SIGTERM during 50 slow in-flight requests: all complete, exit code 0, the audit holds all 50', async () => {
    // A timeout well above the simulator's 1.5 s, so only the drain is under test.
    const proc = await start({ apiKey: 'key-one', env: { UPSTREAM_TIMEOUT_MS: '5000' } });
    const cookie = await aliceCookie(proc);
    sim.setFaults({ latencyMs: 1500 });
    const requests = Array.from({ length: 50 }, (_, i) =>
      fetch(`${proc.url}/v1/accounts/grp_a/signals/scans?limit=${i + 1}`, { headers: { cookie } }),
    );
    await sim.waitForCalls(50);
    proc.child.kill('SIGTERM');
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
    expect(await proc.exited).toBe(0);

    const { records } = await streamRecords(REDIS_URL, createKeys(proc.prefix).auditLog());
    const lists = records.filter((r) => r.event === 'scans.list');
    expect(lists).toHaveLength(50);
    expect(lists.every((r) => r.outcome.status === 200)).toBe(true);
  });
});
