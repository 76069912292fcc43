import { pausedGcraState, reserveGcraSlot, slotStateOf, slotStateText, takeGcraTokens } from './gcra.js';
import { createLogMarks, logMarkKey } from './log-marks.js';
import type { LogEntry, SlotQuery, SlotReservation, Store, SubscriptionHandlers } from './store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The embedded store: the same semantics as Redis, in this process only. It backs `npm run demo`
 * and single-instance installs without Redis; it is tested by the same contract tests.
 */
export function createMemoryStore(now: () => number = Date.now): Store {
  const entries = new Map<string, Entry>();
  const logs = new Map<string, { seq: number; entries: { position: string; json: string }[] }>();
  const marks = createLogMarks(now);
  const channels = new Map<string, Set<SubscriptionHandlers>>();
  /** Sets by key: member → expiry time. */
  const sets = new Map<string, Map<string, number>>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired keys would otherwise stay until read again; sweep them now and then.
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
    for (const [key, set] of sets) {
      for (const [member, until] of set) if (until <= t) set.delete(member);
      if (set.size === 0) sets.delete(key);
    }
    marks.sweep(t);
  }, 30_000);
  sweep.unref();

  const tatOf = (key: string): number => Number(live(key)?.value ?? 0);

  const setValue = (key: string, value: string, ttlMs: number, onlyIfAbsent: boolean): boolean => {
    if (onlyIfAbsent && live(key) !== undefined) return false;
    entries.set(key, { value, expiresAt: now() + ttlMs });
    return true;
  };

  const reserveSlot = (key: string, budget: SlotQuery['budget']): SlotReservation => {
    const { reservation, next } = reserveGcraSlot(slotStateOf(live(key)?.value), now(), budget);
    if (next !== undefined) entries.set(key, { value: slotStateText(next), expiresAt: next.tat + 1000 });
    return reservation;
  };

  const append = (key: string, jsons: readonly string[], maxLen: number): void => {
    const log = logs.get(key) ?? { seq: 0, entries: [] };
    logs.set(key, log);
    for (const json of jsons) {
      log.seq += 1;
      log.entries.push({ position: String(log.seq).padStart(16, '0'), json });
    }
    if (log.entries.length > maxLen) log.entries.splice(0, log.entries.length - maxLen);
  };

  return {
    kind: 'memory',
    get: (key) => Promise.resolve(live(key)?.value ?? null),
    set: (key, value, { ttlMs, onlyIfAbsent }) =>
      Promise.resolve(setValue(key, value, ttlMs, onlyIfAbsent === true)),
    del(key) {
      entries.delete(key);
      sets.delete(key);
      return Promise.resolve();
    },
    take(key) {
      const value = live(key)?.value ?? null;
      entries.delete(key);
      return Promise.resolve(value);
    },
    addToSet(key, member, { ttlMs }) {
      const set = sets.get(key) ?? new Map<string, number>();
      sets.set(key, set);
      set.set(member, now() + ttlMs);
      return Promise.resolve();
    },
    setMembers(key) {
      const t = now();
      return Promise.resolve([...(sets.get(key) ?? [])].filter(([, until]) => until > t).map(([m]) => m));
    },
    removeFromSet(key, members) {
      const set = sets.get(key);
      for (const member of members) set?.delete(member);
      return Promise.resolve();
    },
    delIfEquals(key, expected) {
      if (live(key)?.value !== expected) return Promise.resolve(false);
      entries.delete(key);
      return Promise.resolve(true);
    },
    setAndRelease(key, value, { ttlMs }, lock) {
      entries.set(key, { value, expiresAt: now() + ttlMs });
      if (live(lock.key)?.value === lock.token) entries.delete(lock.key);
      return Promise.resolve();
    },
    incrWindow(key, windowMs) {
      const entry = live(key);
      const t = now();
      if (entry === undefined) {
        entries.set(key, { value: '1', expiresAt: t + windowMs });
        return Promise.resolve({ count: 1, ttlMs: windowMs });
      }
      entry.value = String(Number(entry.value) + 1);
      return Promise.resolve({ count: Number(entry.value), ttlMs: entry.expiresAt - t });
    },
    reserveSlot: (key, budget) => Promise.resolve(reserveSlot(key, budget)),
    lockAndReserve(lock, slot) {
      if (!setValue(lock.key, lock.token, lock.ttlMs, true)) return Promise.resolve({ locked: false });
      return Promise.resolve({ locked: true, slot: reserveSlot(slot.key, slot.budget) });
    },
    takeTokens(key, budget) {
      const { grant, nextTat } = takeGcraTokens(tatOf(key), now(), budget);
      if (grant.granted > 0) entries.set(key, { value: String(nextTat), expiresAt: nextTat + 1000 });
      return Promise.resolve(grant);
    },
    pauseSlots(key, budget) {
      const next = pausedGcraState(slotStateOf(live(key)?.value), now(), budget);
      entries.set(key, { value: slotStateText(next), expiresAt: next.tat + 1000 });
      return Promise.resolve();
    },
    // No replicas here: `replicas` is always 0, whatever was asked (config refuses to ask).
    appendLog(key, batch, { maxLen, writerTtlMs }) {
      if (!marks.accept(logMarkKey(key, batch.writer), batch.seq, writerTtlMs)) {
        return Promise.resolve({ landed: false, replicas: 0 });
      }
      append(key, batch.entries, maxLen);
      return Promise.resolve({ landed: true, replicas: 0 });
    },
    redeliverLog(key, batches, { maxLen, writerTtlMs }) {
      const totals = { appended: 0, skipped: 0, uncertain: 0, replicas: 0 };
      for (const batch of batches) {
        const verdict = marks.redeliver(logMarkKey(key, batch.writer), batch.seq, writerTtlMs);
        if (verdict === 'skip') {
          totals.skipped += batch.entries.length;
          continue;
        }
        if (verdict === 'uncertain') totals.uncertain += batch.entries.length;
        totals.appended += batch.entries.length;
        append(key, batch.entries, maxLen);
      }
      return Promise.resolve(totals);
    },
    readLog(key, { before, count }): Promise<LogEntry[]> {
      const list = logs.get(key)?.entries ?? [];
      const out: LogEntry[] = [];
      for (let i = list.length - 1; i >= 0 && out.length < count; i -= 1) {
        const entry = list[i];
        if (entry === undefined) continue;
        if (before !== undefined && entry.position >= before) continue;
        out.push(entry);
      }
      return Promise.resolve(out);
    },
    publish(channel, message) {
      for (const handlers of channels.get(channel) ?? []) handlers.message(message);
      return Promise.resolve();
    },
    subscribe(channel, handlers) {
      const listeners = channels.get(channel) ?? new Set();
      channels.set(channel, listeners);
      listeners.add(handlers);
      // Never down: nothing stands between this process and itself. Up once subscribe returned,
      // as a Redis subscription would be.
      queueMicrotask(() => {
        if (listeners.has(handlers)) handlers.up();
      });
      return {
        close() {
          listeners.delete(handlers);
          return Promise.resolve();
        },
      };
    },
    ping: () => Promise.resolve(),
    ready: () => Promise.resolve(true),
    close() {
      clearInterval(sweep);
      channels.clear();
      return Promise.resolve();
    },
  };
}
