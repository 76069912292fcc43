import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
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

// Made in the suite's beforeAll, after the cluster above is up.
storeContract('Redis Cluster', () => createRedisStore({ clusterNodes: nodes }));
