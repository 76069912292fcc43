import type { Measurement } from '../measurement.js';
import { distinctPages, HIT_PATH, MISS_LIMITS } from '../pages.js';
import { SIM_API_KEY, type Suite } from '../suite.js';
import { measureThroughput } from './throughput.js';

/** A: the Node ceiling — the HIT page from a bare handler. */
export function ceilingA(suite: Suite): Promise<Measurement> {
  return measureThroughput(suite.settings, 'A', suite.ceilingA.child.pid, {
    url: suite.ceilingA.url,
    path: HIT_PATH,
  });
}

/**
 * B: the upstream alone — the simulator called directly, over the MISS scenario's pages; with one
 * connection (`B1`) it is the upstream's own latency, without any queueing.
 */
export function ceilingB(suite: Suite, scenario: 'B' | 'B20' | 'B1'): Promise<Measurement> {
  return measureThroughput(suite.settings, scenario, suite.simulator.child.pid, {
    url: suite.simulator.url,
    path: distinctPages(MISS_LIMITS),
    headers: { authorization: `Bearer ${SIM_API_KEY}` },
    ...(scenario === 'B1' ? { connections: 1 } : {}),
  });
}

/** C: a naive BFF — a plain proxy to the simulator, over the MISS scenario's pages. */
export function ceilingC(suite: Suite, scenario: 'C' | 'C20'): Promise<Measurement> {
  return measureThroughput(suite.settings, scenario, suite.ceilingC.child.pid, {
    url: suite.ceilingC.url,
    path: distinctPages(MISS_LIMITS),
  });
}

/** Sets the simulator's added latency for the scenarios that follow. */
export async function setUpstreamLatency(suite: Suite, latencyMs: number): Promise<void> {
  await suite.simulator.child.call('setFaults', latencyMs > 0 ? { latencyMs } : {});
}
