import type { SimulatorFaults } from '../../src/simulator/simulator.js';

/** The methods each bench child answers (see bench/rpc.ts); all params and results are JSON. */

export interface SimulatorCallSummary {
  at: number;
  accountGroupId: string;
  /** 0 while still in flight. */
  status: number;
}

type Stop = { stop: { params: null; result: null } };

export type SimulatorMethods = Stop & {
  start: {
    params: {
      rateLimit: { rps: number; burst: number } | null;
      itemsPerGroup: number;
      maxRecordedCalls: number;
    };
    result: { url: string };
  };
  setFaults: { params: SimulatorFaults; result: null };
  /** Calls so far, and each call at or after `since` (epoch ms): when, which group, what it answered. */
  calls: { params: { since: number }; result: { count: number; calls: SimulatorCallSummary[] } };
  reset: { params: null; result: null };
};

export type CeilingAMethods = Stop & {
  /** `pageJson`: the `data` of the page the gateway serves on a HIT. */
  start: { params: { pageJson: string }; result: { url: string } };
};

export type CeilingCMethods = Stop & {
  start: { params: { upstreamUrl: string; apiKey: string }; result: { url: string } };
};

export interface GatewayStartParams {
  upstreamUrl: string;
  usersFile: string;
  redisUrl: string;
  prefix: string;
  /** Gateway environment on top of the bench defaults (see bench/gateway.ts). */
  env: Record<string, string>;
}

export type GatewayMethods = Stop & {
  start: { params: GatewayStartParams; result: { url: string } };
  /**
   * process.memoryUsage() in MB, to see what the RSS is made of; `collect` runs a full GC first
   * (when the child runs with --expose-gc) to tell live data from garbage not yet collected.
   */
  memory: {
    params: { collect: boolean };
    result: Record<'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number>;
  };
};
