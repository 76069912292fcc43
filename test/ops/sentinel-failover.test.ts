import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFailoverScenario, SCANS, streamOn } from '../helpers/failover-scenario.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort, REPLICA_SYNCED, REPLICATED_REDIS_ARGS } from '../helpers/redis.js';
import { onNode } from '../helpers/replication.js';
import { metricValue } from '../helpers/metrics.js';
import { onSentinel, startOwnSentinels, type OwnSentinels } from '../helpers/sentinel.js';
import { startTraffic } from '../helpers/traffic.js';

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

  it('a failover by hand, the old master alive and demoted later, is followed at once; nothing trusted to the old one', async () => {
    // After the test above the first replica is the master, the first master its replica.
    const [, masterPort] = await onSentinel(set, (sentinel) =>
      sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', set.masterName),
    ).then((reply) => reply as [string, string]);
    const [from, to] =
      Number(masterPort) === set.master.port ? [set.master, set.replica] : [set.replica, set.master];
    // An instance of its own: its logs and metrics start here.
    const two = await gw.startSibling();
    try {
      const { cookie } = await two.login('alice', 'alice-password-1');
      const traffic = startTraffic((signal) => fetch(`${two.url}${SCANS}`, { headers: { cookie }, signal }));
      await traffic.samples.waitFor((s) => s.status === 200);
      // Refused (NOGOODSLAVE) until the sentinel has seen the replica well again: it says so
      // nowhere, so ask until it accepts.
      let askedAt = 0;
      await expect
        .poll(
          () => {
            askedAt = performance.now();
            return onSentinel(set, (sentinel) => sentinel.call('SENTINEL', 'FAILOVER', set.masterName)).then(
              String,
              String,
            );
          },
          { timeout: 10_000, interval: 200 },
        )
        .toBe('OK');
      expect(await set.switched(from.port)).toBe(to.port);
      const switchedAt = performance.now();
      // The sentinel tells the old master it is a replica only some 8 s on: until then it takes
      // writes the new one never sees. The gateway heard the switch and writes to the new one.
      const probe = `${two.prefix}{probe}:after-switch`;
      await expect
        .poll(
          async () => {
            await two.deps.store.set(probe, 'written', { ttlMs: 60_000 }).catch(() => undefined);
            return onNode(to, (redis) => redis.get(probe));
          },
          { timeout: 3000, interval: 50 },
        )
        .toBe('written');
      // Now demoted, as the sentinel would: it syncs from the new master, which can then confirm.
      const synced = to.output.waitFor(
        new RegExp(
          `Synchronization with replica ${from.address} succeeded|Partial resynchronization request from ${from.address} accepted`,
        ),
        10_000,
      );
      await onNode(from, (redis) => redis.call('REPLICAOF', '127.0.0.1', String(to.port)));
      await synced;
      const served = await traffic.samples.waitFor(
        (s) => s.startedAt > switchedAt && s.status === 200,
        10_000,
      );
      await traffic.stop();
      const report = {
        switchedMs: Math.round(switchedAt - askedAt),
        servedAfterSwitchMs: Math.round(served.at - switchedAt),
        notServed: traffic.samples.items.filter((s) => s.status !== 200).length,
      };
      console.info(`sentinel failover by hand: ${JSON.stringify(report)}`);
      // Whatever was written meanwhile without its replica's word is spooled as well, and lands once.
      if ((await metricValue(two.deps.metrics.auditRecords, { sink: 'spool' })) > 0) {
        await two.logs.waitFor('"left":0,"msg":"audit spool delivered"', 15_000);
      }
      await two.deps.audit.flush();

      const answers = traffic.samples.items;
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expect(answer).toMatchObject({ status: 503, retryAfter: '1' });
      }
      const trail = await streamOn(to, two.deps.keys.auditLog());
      const byTrace = new Map<string, number>();
      for (const record of trail) byTrace.set(record.traceId, (byTrace.get(record.traceId) ?? 0) + 1);
      const answered = answers.filter((a) => a.status === 200).map((a) => a.traceId ?? '');
      expect(answered.filter((id) => byTrace.get(id) !== 1)).toEqual([]);
    } finally {
      await two.close();
    }
  }, 40_000);
});
