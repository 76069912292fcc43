import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFailoverScenario } from '../helpers/failover-scenario.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort, REPLICA_SYNCED, REPLICATED_REDIS_ARGS } from '../helpers/redis.js';
import { startOwnSentinels, type OwnSentinels } from '../helpers/sentinel.js';

describe('Redis Sentinel: the master dies under traffic and its replica takes over', () => {
  let set: OwnSentinels;
  let gw: TestGateway;

  beforeAll(async () => {
    set = await startOwnSentinels({ downAfterMs: 1000 });
    // A sentinel listed first that is down: the next one is asked.
    const down = `127.0.0.1:${await freePort()}`;
    gw = await startGateway({
      store: { sentinels: [down, ...set.sentinels], sentinelMaster: set.masterName },
      env: { AUDIT_MIN_REPLICAS: '1' },
    });
  }, 30_000);
  afterAll(async () => {
    await gw.close();
    await set.stop();
  });

  it('serves again once the sentinel promotes the replica, with every answered record in the trail once', async () => {
    let newMaster = 0;
    const report = await runFailoverScenario({
      gateway: gw,
      master: set.master,
      replica: set.replica,
      async promoted() {
        newMaster = await set.switched();
        expect(newMaster).toBe(set.replica.port);
      },
      async rejoin() {
        await set.master.start(['--replicaof', '127.0.0.1', String(newMaster), ...REPLICATED_REDIS_ARGS]);
        await set.master.output.waitFor(REPLICA_SYNCED, 10_000);
      },
    });
    console.info(`sentinel failover (down-after 1000 ms): ${JSON.stringify(report)}`);
  }, 40_000);
});
