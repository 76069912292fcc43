import { afterAll } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import { deleteKeys, REDIS_URL } from '../helpers/redis.js';
import { storeContract } from './store-contract.js';

// The embedded store and Redis pass the same contract.
storeContract('memory', () => createMemoryStore());
storeContract('redis', () => createRedisStore({ url: REDIS_URL }));

afterAll(async () => {
  await deleteKeys('sbfftest:store:');
});
