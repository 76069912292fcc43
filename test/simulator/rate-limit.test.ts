import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { getScans } from './fixture.js';

describe('simulator own rate limit', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // Slow refill, so the test never races a new token.
    sim = await startSimulator({ rateLimit: { rps: 0.2, burst: 2 } });
  });
  afterAll(() => sim.close());

  it('answers the burst, then 429 RATE_LIMITED with Retry-After in whole seconds', async () => {
    expect((await getScans(sim, 'grp_a')).status).toBe(200);
    expect((await getScans(sim, 'grp_a')).status).toBe(200);
    const limited = await getScans(sim, 'grp_a');
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^[1-5]$/);
    expect(sim.callCount()).toBe(3);
    expect(sim.calls.map((c) => c.status)).toEqual([200, 200, 429]);
  });

  it('reset() refills the bucket', async () => {
    sim.reset();
    expect((await getScans(sim, 'grp_a')).status).toBe(200);
  });
});
