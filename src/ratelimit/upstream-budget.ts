import type { Logger } from '../platform/logger.js';
import { retryAfterSeconds } from '../platform/retry-after-seconds.js';
import type { Metrics } from '../platform/metrics.js';
import type { Keys } from '../store/keys.js';
import {
  StoreUnavailableError,
  type SlotBudget,
  type SlotQuery,
  type SlotReservation,
  type Store,
} from '../store/store.js';
import { delayUnlessAborted } from '../platform/abortable-delay.js';
import { createLocalSlots } from './local-slots.js';
import type { SlotResult, UpstreamBudget } from './limit-results.js';

export interface UpstreamBudgetOptions {
  store: Store;
  keys: Keys;
  /** Vendor calls per second, all instances together (`UPSTREAM_RPS`). */
  upstreamRps: number;
  /** Calls allowed at once on top of the steady rate (`UPSTREAM_BURST`). */
  upstreamBurst: number;
  /** Longest a request waits for its slot (`RATE_MAX_WAIT_MS`); past that it is refused. */
  maxWaitMs: number;
  /** Instances sharing the budget (`INSTANCES`): the local fallback takes 1/instances of it. @default 1 */
  instances?: number;
  logger: Logger;
  metrics: Metrics;
  /**
   * After a store failure, how long to use the local limit before asking the store again, so a
   * hanging Redis does not add its command timeout to every request.
   * @default 1000
   */
  storeRetryMs?: number;
}

/**
 * The pause marker expires this much before the pause itself, so a request whose slot was
 * reserved after the pause (and so lands at its end) never mistakes the marker for a new pause.
 */
const PAUSE_MARKER_MARGIN_MS = 50;
/** A slot found inside a pause is re-reserved at most this often (each is past the pause). */
const MAX_RESERVATIONS = 3;
/**
 * The jitter a call absorbs: up to one interval, at most this much. The vendor counts arrivals on
 * its own clock, and a call is conformant only if it does not reach the vendor relatively earlier
 * than the calls before it. The calls of a burst leave together and can be late by tens of ms (new
 * connections, a busy event loop), while a call sent later goes straight out. So every call past
 * the first UPSTREAM_BURST since the budget was full goes this much after its slot (store
 * reserveSlot's `jitterMs`): the calls that wait for a slot, and also those the budget lets go at
 * once because it refilled while the burst left. Before the latter were covered, the bench's
 * burst left the vendor's bucket 1.1–1.7 calls at its lowest, at its 22nd call, and now and then
 * got a 429. A full burst after a quiet spell still goes at once. Jitter beyond it (e.g. TLS
 * handshakes to a far vendor) needs UPSTREAM_RPS / UPSTREAM_BURST set a little under the vendor's.
 */
const MAX_SLOT_GUARD_MS = 100;

/**
 * The vendor budget shared by every instance: GCRA in one Redis script on Redis's clock
 * (store.reserveSlot). A request reserves its slot only when it is at most `maxWaitMs` away and
 * then waits for it on a timer; an aborted wait makes no call. A vendor 429 pushes every future
 * slot past its Retry-After (store.pauseSlots) and leaves a marker so that requests already
 * waiting for a slot inside the pause reserve again instead of calling. When the store is
 * unreachable the budget falls back to an in-process GCRA of rps/instances (burst divided too):
 * never unlimited.
 */
export function createUpstreamBudget(options: UpstreamBudgetOptions): UpstreamBudget {
  const { store, logger, metrics, maxWaitMs } = options;
  const instances = Math.max(1, options.instances ?? 1);
  const storeRetryMs = options.storeRetryMs ?? 1000;
  const key = options.keys.upstreamBudget();
  // Same hash tag as the budget: one Cluster slot.
  const pauseKey = `${key}:pause`;
  const intervalMs = 1000 / options.upstreamRps;
  // The jitter is the shared budget's, whichever of the two a call is reserved from.
  const jitterMs = Math.min(intervalMs, MAX_SLOT_GUARD_MS);
  const shared: SlotBudget & { jitterMs: number } = { intervalMs, burst: options.upstreamBurst, jitterMs };
  const local: SlotBudget & { jitterMs: number } = {
    intervalMs: intervalMs * instances,
    burst: Math.max(1, Math.floor(options.upstreamBurst / instances)),
    jitterMs,
  };
  // What a fill's lock reserves with it: the whole wait, as acquire's first reservation would.
  const sharedQuery: SlotQuery = { key, budget: { ...shared, maxWaitMs } };
  const localSlots = createLocalSlots();
  let outage = false;
  let retryStoreAt = 0;
  let localPauseUntil = 0;

  const storeFailed = (error: unknown) => {
    if (!(error instanceof StoreUnavailableError)) throw error;
    metrics.storeErrors.inc({ subsystem: 'ratelimit' });
    retryStoreAt = performance.now() + storeRetryMs;
    if (!outage) {
      outage = true;
      logger.warn(
        { err: error.message, localRps: options.upstreamRps / instances, localBurst: local.burst },
        'store unreachable: the upstream budget falls back to a local limit',
      );
    }
  };

  async function reserve(wait: number): Promise<SlotReservation & { fromStore: boolean }> {
    if (!outage || performance.now() >= retryStoreAt) {
      try {
        const reservation = await store.reserveSlot(key, { ...shared, maxWaitMs: wait });
        if (outage) {
          outage = false;
          logger.info('store reachable again: the upstream budget is shared again');
        }
        return { ...reservation, fromStore: true };
      } catch (error) {
        storeFailed(error);
      }
    }
    return { ...localSlots.reserve({ ...local, maxWaitMs: wait }), fromStore: false };
  }

  /** A pause that began after this request reserved its slot (the marker outlives no pause). */
  async function pausedMeanwhile(fromStore: boolean): Promise<boolean> {
    if (performance.now() < localPauseUntil) return true;
    if (!fromStore) return false;
    try {
      return (await store.get(pauseKey)) !== null;
    } catch (error) {
      storeFailed(error);
      return false;
    }
  }

  return {
    slotQuery: () => (outage ? undefined : sharedQuery),

    async acquire({ signal, reserved }): Promise<SlotResult> {
      const started = performance.now();
      for (let attempt = 1; ; attempt += 1) {
        if (signal?.aborted === true) return { ok: false, retryAfterS: 1 };
        const left = Math.max(0, maxWaitMs - (performance.now() - started));
        const slot =
          attempt === 1 && reserved !== undefined ? { ...reserved, fromStore: true } : await reserve(left);
        if (!slot.granted) {
          metrics.rateRejections.inc({ limit: 'upstream' });
          return { ok: false, retryAfterS: retryAfterSeconds(slot.retryAfterMs) };
        }
        if (slot.waitMs > 0) {
          if (!(await delayUnlessAborted(slot.waitMs, signal))) return { ok: false, retryAfterS: 1 };
          if (attempt < MAX_RESERVATIONS && (await pausedMeanwhile(slot.fromStore))) continue;
        }
        const waitedMs = performance.now() - started;
        metrics.rateWait.observe(waitedMs);
        return { ok: true, waitedMs };
      }
    },

    async pause(seconds) {
      const pauseMs = Math.max(0, seconds) * 1000;
      logger.warn({ pauseS: seconds }, 'upstream answered 429: every instance pauses its calls');
      localPauseUntil = Math.max(localPauseUntil, performance.now() + pauseMs - PAUSE_MARKER_MARGIN_MS);
      localSlots.pause({ ...local, pauseMs });
      try {
        // Marker first: a slot reserved between the two writes is checked against it.
        await store.set(pauseKey, '1', { ttlMs: Math.max(1, pauseMs - PAUSE_MARKER_MARGIN_MS) });
        await store.pauseSlots(key, { ...shared, pauseMs });
      } catch (error) {
        storeFailed(error);
      }
      // Counted once in force, so a watcher of the metric knows every instance will honour it.
      metrics.upstreamPauses.inc();
    },
  };
}
