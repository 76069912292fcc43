import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startGatewayProcess } from '../helpers/process.js';
import { REDIS_URL, testPrefix } from '../helpers/redis.js';
import { auditInput, makeTrail, newSpoolDir, streamRecordIds } from './fixture.js';

describe('a restarted gateway', () => {
  const prefix = testPrefix('restart');
  const real = createRedisStore({ url: REDIS_URL });
  afterAll(() => real.close());

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

    const gateway = await startGatewayProcess({ prefix, env: { AUDIT_SPOOL_DIR: spoolDir } });
    try {
      // Delivered at start-up, or by the retry when a slow first command misses it; either way
      // the (buffered) log says so within its flush interval.
      await gateway.waitForLine('audit spool delivered');
      const ids = await streamRecordIds(REDIS_URL, previous.key);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
      await gateway.close();
    }
  });
});
