import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startOwnCluster, type OwnCluster } from '../helpers/cluster.js';
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

// The store is made lazily so it sees the cluster's nodes, started in beforeAll.
storeContract('Redis Cluster', () => {
  let store: Store | undefined;
  const get = () => (store ??= createRedisStore({ clusterNodes: nodes }));
  return new Proxy({} as Store, { get: (_t, prop: keyof Store) => get()[prop] });
});
