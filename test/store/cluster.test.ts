import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { startOwnCluster, type OwnCluster } from '../helpers/cluster.js';
import { listen } from '../helpers/subscription.js';
import { storeContract } from './store-contract.js';

let cluster: OwnCluster;
let nodes: string[] = [];
beforeAll(async () => {
  cluster = await startOwnCluster();
  nodes = cluster.nodes;
}, 30_000);
afterAll(async () => {
  await cluster.stop();
});

// Made in the suite's beforeAll, after the cluster above is up.
storeContract('Redis Cluster', () => createRedisStore({ clusterNodes: nodes }));

describe('a subscription on a Redis Cluster', () => {
  it('hears what is published through any node, and moves to another node when its own drops it', async () => {
    const store = createRedisStore({ clusterNodes: nodes, onError: () => undefined });
    const admins = nodes.map((node) => new Redis(`redis://${node}`));
    try {
      expect(await store.ready(10_000)).toBe(true);
      const events = listen(store, 'cluster-events');
      await events.up();
      for (const [i, admin] of admins.entries()) {
        await admin.publish('cluster-events', `via ${i}`);
        expect(await events.next()).toBe(`via ${i}`);
      }
      const down = events.down();
      const killed = await Promise.all(admins.map((admin) => admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')));
      expect(killed.reduce((a, b) => Number(a) + Number(b), 0)).toBe(1);
      await down;
      await events.up();
      const [, again] = await Promise.all(
        admins.map((admin) => admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')),
      );
      expect(String(again)).toContain('name=sbff-subscriber');
      await store.publish('cluster-events', 'after');
      expect(await events.next()).toBe('after');
    } finally {
      for (const admin of admins) admin.disconnect();
      await store.close();
    }
  });
});
