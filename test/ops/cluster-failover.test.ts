import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnCluster, type OwnCluster } from '../helpers/cluster.js';
import { runFailoverScenario } from '../helpers/failover-scenario.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { REPLICA_SYNCED } from '../helpers/redis.js';

describe('Redis Cluster with a replica per master: the master of the audit stream dies under traffic', () => {
  let cluster: OwnCluster;
  let gw: TestGateway;

  beforeAll(async () => {
    cluster = await startOwnCluster({ replicas: 1, nodeTimeoutMs: 1000 });
    gw = await startGateway({
      store: { clusterNodes: cluster.nodes },
      env: { AUDIT_MIN_REPLICAS: '1' },
    });
  }, 30_000);
  afterAll(async () => {
    await gw.close();
    await cluster.stop();
  });

  it('a write waits for the replica of the master that took it, not for any replica', async () => {
    // The audit stream's slot, so the write goes where the trail's writes go.
    const key = `${gw.deps.keys.auditLog()}:routing-probe`;
    const { replica } = await cluster.shardOf(key);
    replica?.pause();
    try {
      const wait = { maxLen: 100, writerTtlMs: 60_000, replicas: { min: 1, timeoutMs: 100 } };
      const batch = { writer: 'routing-probe', seq: 1, entries: ['{}'] };
      expect(await gw.deps.store.appendLog(key, batch, wait)).toEqual({ landed: true, replicas: 0 });
    } finally {
      replica?.resume();
    }
  });

  it('serves again once the cluster promotes the replica, with every answered record in the trail once', async () => {
    const { master, replica } = await cluster.shardOf(gw.deps.keys.auditLog());
    if (replica === undefined) throw new Error('the audit master has no replica');
    const report = await runFailoverScenario({
      gateway: gw,
      master,
      replica,
      promoted: () => replica.output.waitFor('Failover election won', 15_000).then(() => undefined),
      async rejoin() {
        // Its node file says it served those slots; the cluster tells it it is a replica now.
        await master.start();
        await master.output.waitFor(REPLICA_SYNCED, 10_000);
      },
    });
    console.info(`cluster failover (cluster-node-timeout 1000 ms): ${JSON.stringify(report)}`);
  }, 40_000);
});
