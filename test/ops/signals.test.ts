import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { DEFAULT_USERS, writeUsersFile } from '../helpers/gateway.js';
import { startMainProcess, type GatewayProcess } from '../helpers/process.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password-1' }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('the gateway process and its signals', () => {
  let sim: RunningSimulator;
  let usersFile: string;
  let dir: string;
  let gateway: GatewayProcess | undefined;
  const prefixes: string[] = [];

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
    if (gateway !== undefined && gateway.child.exitCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
    gateway = undefined;
    sim.reset();
  });
  afterAll(async () => {
    await sim.close();
    for (const prefix of prefixes) await deleteKeys(prefix);
  });

  function env(extra: Record<string, string> = {}) {
    const prefix = testPrefix('proc');
    prefixes.push(prefix);
    return {
      UPSTREAM_BASE_URL: sim.url,
      USERS_FILE: usersFile,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      COOKIE_SECURE: 'false',
      AUDIT_SPOOL_DIR: join(dir, prefix.replaceAll(':', '_')),
      UPSTREAM_RPS: '1000',
      UPSTREAM_BURST: '1000',
      USER_RPS: '1000',
      USER_BURST: '1000',
      ...extra,
    };
  }

  it('SIGHUP with a new key file: the next upstream call uses the new key', async () => {
    const keyFile = join(dir, 'api-key');
    writeFileSync(keyFile, 'key-one\n');
    gateway = await startMainProcess(env({ UPSTREAM_API_KEY_FILE: keyFile }));
    const cookie = await login(gateway.url);
    const first = await fetch(`${gateway.url}/v1/accounts/grp_a/signals/scans`, { headers: { cookie } });
    expect(first.status).toBe(200);
    expect(sim.calls.at(-1)?.headers['authorization']).toBe('Bearer key-one');

    writeFileSync(keyFile, 'key-two\n');
    gateway.child.kill('SIGHUP');
    const proc = gateway;
    await expect
      .poll(() => proc.stdout().includes('upstream API key reloaded'), { timeout: 5000 })
      .toBe(true);
    const second = await fetch(`${gateway.url}/v1/accounts/grp_a/signals/scans`, {
      headers: { cookie, 'cache-control': 'no-cache' },
    });
    expect(second.status).toBe(200);
    expect(sim.calls.at(-1)?.headers['authorization']).toBe('Bearer key-two');
    expect(gateway.stdout()).not.toContain('key-two');
  });

  it('SIGTERM during 50 slow in-flight requests: all complete, exit code 0, the audit holds all 50', async () => {
    const e = env({ UPSTREAM_API_KEY: 'key-one' });
    gateway = await startMainProcess(e);
    const cookie = await login(gateway.url);
    sim.setFaults({ latencyMs: 1500 });
    const url = gateway.url;
    const requests = Array.from({ length: 50 }, (_, i) =>
      fetch(`${url}/v1/accounts/grp_a/signals/scans?limit=${i + 1}`, { headers: { cookie } }),
    );
    await sim.waitForCalls(50);
    gateway.child.kill('SIGTERM');
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
    expect(await gateway.exited).toBe(0);

    const redis = new Redis(REDIS_URL);
    try {
      const entries = await redis.xrange(`${e.REDIS_KEY_PREFIX}{audit}:log`, '-', '+');
      const lists = entries
        .map(([, fields]) => JSON.parse(fields[1] ?? '{}') as { event: string; outcome: { status: number } })
        .filter((r) => r.event === 'scans.list');
      expect(lists).toHaveLength(50);
      expect(lists.every((r) => r.outcome.status === 200)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
