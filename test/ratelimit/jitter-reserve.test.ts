import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics.js';
import { createUpstreamBudget } from '../../src/ratelimit/upstream-budget.js';
import { createKeys } from '../../src/store/keys.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { captureLogs } from '../helpers/logs.js';

describe('the upstream budget keeps part of the burst in reserve for jitter', () => {
  it('of UPSTREAM_BURST calls at once, all but one go at once and the last waits for its slot', async () => {
    // 20 a second: one interval (50 ms) of the burst is the reserve, one call.
    const budget = createUpstreamBudget({
      store: createMemoryStore(),
      keys: createKeys('sbfftest:reserve:'),
      upstreamRps: 20,
      upstreamBurst: 4,
      maxWaitMs: 5000,
      logger: captureLogs().logger,
      metrics: createMetrics(),
    });
    const slots = await Promise.all([1, 2, 3, 4].map(() => budget.acquire({})));
    const waits = slots.map((s) => (s.ok ? s.waitedMs : Number.NaN)).sort((a, b) => a - b);
    const last = waits.pop() ?? Number.NaN;
    // Three never wait on a timer; the fourth waits for the slot one interval on (timers may fire
    // a little early, never 10 ms).
    expect(waits.every((w) => w < last)).toBe(true);
    expect(last).toBeGreaterThanOrEqual(40);
  });
});
