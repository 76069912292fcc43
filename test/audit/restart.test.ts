import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { DEFAULT_USERS, writeUsersFile } from '../helpers/gateway.js';
import { startMainProcess } from '../helpers/process.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { auditInput, makeTrail, newSpoolDir, streamRecordIds } from './fixture.js';

describe('a restarted gateway', () => {
  const prefix = testPrefix('restart');
  const real = createRedisStore({ url: REDIS_URL });
  afterAll(async () => {
    await real.close();
    await deleteKeys(prefix);
  });

  it('delivers the spool the previous process left, exactly once', async () => {
    const spoolDir = newSpoolDir();
    const down: Store = {
      ...real,
      appendLog: () => Promise.reject(new StoreUnavailableError(new Error('test: down'))),
      ping: () => Promise.reject(new StoreUnavailableError()),
    };
    const previous = makeTrail({ store: down, prefix, spoolDir });
    for (let i = 0; i < 3; i += 1) await previous.trail.record(auditInput({ traceId: `left-${i}` }));
    await previous.trail.close();

    const gateway = await startMainProcess({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
      UPSTREAM_API_KEY: 'restart-test-key',
      USERS_FILE: await writeUsersFile(DEFAULT_USERS),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      AUDIT_SPOOL_DIR: spoolDir,
      COOKIE_SECURE: 'false',
    });
    try {
      // Delivered at start-up; under heavy load a slow first command leaves it to the retry.
      await expect.poll(() => streamRecordIds(REDIS_URL, previous.key), { timeout: 5000 }).toHaveLength(3);
      const ids = await streamRecordIds(REDIS_URL, previous.key);
      expect(new Set(ids).size).toBe(3);
      // The log is buffered: its line shows within the flush interval.
      await expect.poll(() => gateway.stdout(), { timeout: 5000 }).toContain('audit spool delivered');
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });
});
