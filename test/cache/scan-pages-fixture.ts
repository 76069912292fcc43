import { createBackgroundTasks, type BackgroundTasks } from '../../src/platform/background-tasks.js';
import { createScanPages } from '../../src/cache/scan-pages.js';
import type { PageOutcome, PageRequest, ScanPages } from '../../src/cache/page-request.js';
import { createVendorLoader, vendorSlot } from '../../src/scans/list-scans.js';
import { createMetrics, type Metrics } from '../../src/platform/metrics.js';
import type { UpstreamBudget } from '../../src/ratelimit/limit-results.js';
import { createUpstreamBudget } from '../../src/ratelimit/upstream-budget.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { createUpstreamClient } from '../../src/upstream/client.js';
import type { ScanQuery, UpstreamClient, UpstreamFailure } from '../../src/upstream/vendor-call.js';
import { captureLogs, type CapturedLogs } from '../helpers/logs.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

export type StoreKind = 'redis' | 'memory';

export interface InstanceOptions {
  ttlS?: number;
  staleS?: number;
  upstreamRps?: number;
  upstreamBurst?: number;
  maxWaitMs?: number;
  instances?: number;
  upstreamTimeoutMs?: number;
  circuitFailures?: number;
  lockTtlMs?: number;
  /** A store of the instance's own (e.g. on a Redis the test stops); default: the harness's. */
  store?: Store;
}

/** One gateway instance's cache stack: its own store connection, budget, upstream client and tracker. */
export interface Instance {
  pages: ScanPages;
  budget: UpstreamBudget;
  upstream: UpstreamClient;
  store: Store;
  metrics: Metrics;
  tracker: BackgroundTasks;
  logs: CapturedLogs;
  get(query: ScanQuery, extra?: Partial<PageRequest<UpstreamFailure>>): Promise<PageOutcome<UpstreamFailure>>;
}

/**
 * Instances that share one cache the way gateways do: on Redis, each with its own connection under
 * one key prefix; on memory, one embedded store shared in this process.
 */
export interface Harness {
  kind: StoreKind;
  keys: Keys;
  /** The cache's clock: tests move it to make pages stale. */
  clock: { now: number; advance(ms: number): void };
  /** A store handle of the test's own, to plant locks and corrupt entries (ready once an instance is). */
  store: Store;
  instance(options?: InstanceOptions): Promise<Instance>;
  close(): Promise<void>;
}

export function createHarness(kind: StoreKind, sim: RunningSimulator): Harness {
  const prefix = testPrefix('cache');
  const keys = createKeys(prefix);
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const now = () => clock.now;
  const newStore = (): Store =>
    kind === 'memory' ? shared : createRedisStore({ url: REDIS_URL, onError: () => undefined });
  // Like Redis, the memory store expires keys on real time; only freshness follows the test's clock.
  const shared: Store = kind === 'memory' ? createMemoryStore() : createRedisStore({ url: REDIS_URL });
  const owned: Store[] = [];
  const instances: Instance[] = [];

  return {
    kind,
    keys,
    clock,
    store: shared,
    async instance(options = {}) {
      const store = options.store ?? newStore();
      if (store !== shared) owned.push(store);
      // Commands fail fast until connected (no offline queue): wait for both connections.
      await Promise.all([store.ready(5000), shared.ready(5000)]);
      const logs = captureLogs();
      const metrics = createMetrics();
      const tracker = createBackgroundTasks(logs.logger);
      const maxWaitMs = options.maxWaitMs ?? 2000;
      const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 1000;
      const upstream = createUpstreamClient({
        baseUrl: sim.url,
        apiKey: 'sim-key',
        apiKeyHeader: 'Authorization',
        timeoutMs: upstreamTimeoutMs,
        circuitFailures: options.circuitFailures ?? 5,
        circuitOpenMs: 10_000,
        logger: logs.logger,
        metrics,
      });
      const budget = createUpstreamBudget({
        store,
        keys,
        upstreamRps: options.upstreamRps ?? 1000,
        upstreamBurst: options.upstreamBurst ?? 1000,
        maxWaitMs,
        instances: options.instances ?? 1,
        logger: logs.logger,
        metrics,
      });
      const pages = createScanPages({
        store,
        keys,
        ttlS: options.ttlS ?? 30,
        staleS: options.staleS ?? 300,
        tracker,
        logger: logs.logger,
        metrics,
        clock: now,
        lockTtlMs: options.lockTtlMs ?? 2 * (upstreamTimeoutMs + maxWaitMs) + 1000,
      });
      const loaderFor = createVendorLoader({ budget, upstream, maxWaitMs });
      const slot = vendorSlot({ budget, upstream });
      let seq = 0;
      const instance: Instance = {
        pages,
        budget,
        upstream,
        store,
        metrics,
        tracker,
        logs,
        get(query, extra = {}) {
          seq += 1;
          const traceId = `trace-${seq}`;
          return pages.get({
            query,
            bypass: false,
            traceId,
            slot,
            load: loaderFor(query, traceId),
            ...extra,
          });
        },
      };
      instances.push(instance);
      return instance;
    },
    async close() {
      await Promise.all(instances.map((i) => i.tracker.drain(5000)));
      await Promise.all(instances.map((i) => i.upstream.close()));
      await Promise.all(owned.map((s) => s.close()));
      await shared.close();
      if (kind === 'redis') await deleteKeys(prefix);
    },
  };
}

/** Every sliding 1-s window of upstream arrivals holds at most this many calls. */
export function maxCallsInAnySecond(sim: RunningSimulator): number {
  const at = sim.calls.map((c) => c.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i += 1) {
    while ((at[j] ?? Infinity) - (at[i] ?? 0) < 1000) j += 1;
    most = Math.max(most, j - i);
  }
  return most;
}
