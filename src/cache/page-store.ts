import { createLogThrottle } from '../platform/log-throttle.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { Keys } from '../store/keys.js';
import { StoreUnavailableError, type SlotQuery, type SlotReservation, type Store } from '../store/store.js';
import { decodePageEntry, encodePageEntry, type PageEntry } from './page-entry.js';

/** What the store said; `store_down` means go to the upstream without the cache. */
export type EntryRead = { kind: 'entry'; entry: PageEntry } | { kind: 'none' } | { kind: 'store_down' };
/** Taken or not; when taken with a slot query, the slot reserved with it. */
export type LockAttempt =
  { taken: false } | { taken: true; reserved: SlotReservation | undefined } | 'store_down';
/** The lock holder's token, nobody, or the store did not answer. */
export type LockHolder = { kind: 'held'; token: string } | { kind: 'free' } | { kind: 'store_down' };

/**
 * The cache's view of the store: entries and their fill locks. A store failure never escapes as
 * an exception (the cache is an optimisation, never a reason for a 500): it is counted, logged
 * at most every few seconds, and reported as `store_down`.
 */
export interface PageStore {
  read(pageId: string, accountGroupId: string): Promise<EntryRead>;
  /**
   * Stores the entry until its stale-until (Redis expiry) and releases the fill lock `token` in
   * the same round trip; failures are logged and ignored.
   */
  writeAndUnlock(pageId: string, entry: PageEntry, now: number, token: string): Promise<void>;
  /** Takes the page's fill lock for `ttlMs` when nobody holds it, and then `slot` if given. */
  lock(pageId: string, token: string, ttlMs: number, slot?: SlotQuery): Promise<LockAttempt>;
  holder(pageId: string): Promise<LockHolder>;
  /** Releases the lock only while it is still ours. */
  unlock(pageId: string, token: string): Promise<void>;
}

const HANDOFF_MS = 5000;

/** Entries and locks on the shared store, degrading to `store_down` instead of throwing. */
export function createPageStore(options: {
  store: Store;
  keys: Keys;
  logger: Logger;
  metrics: Metrics;
}): PageStore {
  const { store, keys, logger, metrics } = options;
  const mayLog = createLogThrottle();

  const failed = (error: unknown, operation: string): 'store_down' => {
    if (!(error instanceof StoreUnavailableError)) throw error;
    metrics.storeErrors.inc({ subsystem: 'cache' });
    if (mayLog()) {
      logger.warn(
        { err: error.message, operation },
        'cache store unreachable: going to the upstream without it',
      );
    }
    return 'store_down';
  };

  return {
    async read(pageId, accountGroupId) {
      const key = keys.page(pageId);
      let raw: string | null;
      try {
        raw = await store.get(key);
      } catch (error) {
        return { kind: failed(error, 'read') };
      }
      if (raw === null) return { kind: 'none' };
      const entry = decodePageEntry(raw, accountGroupId);
      if (entry !== undefined) return { kind: 'entry', entry };
      logger.warn({ accountGroupId }, 'cache entry failed its check: deleted, never served');
      try {
        // Only that value: a good entry written meanwhile stays.
        await store.delIfEquals(key, raw);
      } catch (error) {
        failed(error, 'delete');
      }
      return { kind: 'none' };
    },

    async writeAndUnlock(pageId, entry, now, token) {
      // Kept a little even when never servable (CACHE_TTL_S and CACHE_STALE_S both 0), so the
      // instances waiting on this fill can still pick it up.
      const ttlMs = Math.max(entry.staleUntil - now, HANDOFF_MS);
      try {
        await store.setAndRelease(
          keys.page(pageId),
          encodePageEntry(entry),
          { ttlMs },
          { key: keys.pageLock(pageId), token },
        );
      } catch (error) {
        failed(error, 'write');
      }
    },

    async lock(pageId, token, ttlMs, slot) {
      const key = keys.pageLock(pageId);
      try {
        if (slot === undefined) {
          const taken = await store.set(key, token, { ttlMs, onlyIfAbsent: true });
          return taken ? { taken: true, reserved: undefined } : { taken: false };
        }
        const attempt = await store.lockAndReserve({ key, token, ttlMs }, slot);
        return attempt.locked ? { taken: true, reserved: attempt.slot } : { taken: false };
      } catch (error) {
        return failed(error, 'lock');
      }
    },

    async holder(pageId) {
      try {
        const token = await store.get(keys.pageLock(pageId));
        return token === null ? { kind: 'free' } : { kind: 'held', token };
      } catch (error) {
        return { kind: failed(error, 'lock') };
      }
    },

    async unlock(pageId, token) {
      try {
        await store.delIfEquals(keys.pageLock(pageId), token);
      } catch (error) {
        failed(error, 'unlock');
      }
    },
  };
}
