import { randomBytes } from 'node:crypto';
import type { BackgroundTasks } from '../platform/background-tasks.js';
import { sha256Hex } from '../platform/sha256-hex.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { ResolvedSession, SessionEntry, SessionRecord, SessionService } from './identity.js';
import { createSessionMemory } from './session-memory.js';
import { PASSWORD_DETAILS, parseStored, sessionHandle, sessionIdHash, storedJson } from './session-record.js';

export { sessionIdHash } from './session-record.js';

/** 32 random bytes in base64url: what a session cookie must look like before the store is asked. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionServiceOptions {
  store: Store;
  keys: Keys;
  /** Milliseconds; tests inject one they move instead of sleeping. */
  clock: () => number;
  /** Runs the last-seen writes, which no request waits for. */
  tracker: BackgroundTasks;
  /** SESSION_IDLE_S @default 1800 */
  idleS: number;
  /** SESSION_ABSOLUTE_S @default 28800 */
  absoluteS: number;
  /**
   * SESSION_CACHE_MS: how long a session read from the store may be answered from memory; the
   * bound on how late an end is seen should its message be lost unnoticed. 0 turns memory off.
   * @default 5000
   */
  cacheMs?: number;
  /** Sessions kept in memory at most; the oldest go first. @default 10000 */
  cacheMaxEntries?: number;
}

/**
 * Server-side sessions. The cookie holds 32 random bytes; the store holds, under the SHA-256 of
 * them, two keys sharing one hash tag:
 * - the record `{userId, createdAt, csrfToken, method, ip, userAgent, oidc?}`, written once,
 *   living at most the absolute lifetime;
 * - its last-seen time, living at most the idle lifetime.
 * Each session's id hash is also in its user's set (and, after an SSO login, its provider
 * session's), for listing and ending them together. The sets are only an index: a member whose
 * record is gone is dropped when found, and each member expires with the absolute lifetime.
 * Keeping last-seen apart means a request that refreshes it can never bring back a session that a
 * concurrent logout deleted: without the record the session stays dead. Both expiries are
 * decided from the stored times and the clock; the keys' TTLs are only a backstop.
 *
 * Last-seen is rewritten only when older than min(60 s, idle/10), and behind the request: the
 * price is that an idle session may end up to that much before its full idle time.
 *
 * A session read from the store is answered from memory for up to `cacheMs`, never past its own
 * end, and only while this instance is subscribed to the end messages: every end (logout, expiry
 * found, user removed) deletes in the store first and then publishes the id hash, and every
 * instance forgets that session when it hears it. Losing the subscription forgets everything and
 * sends every read to the store until it is back; `cacheMs` bounds a loss nobody noticed.
 */
export function createSessionService(options: SessionServiceOptions): SessionService {
  const { store, keys, clock, tracker } = options;
  const idleMs = options.idleS * 1000;
  const absoluteMs = options.absoluteS * 1000;
  const touchAfterMs = Math.min(60_000, idleMs / 10);
  const memory = createSessionMemory({
    ttlMs: options.cacheMs ?? 5000,
    maxEntries: options.cacheMaxEntries ?? 10_000,
  });
  const endedListeners = new Set<(idHash: string) => void>();
  const switchListeners = new Set<(on: boolean) => void>();
  const channel = keys.sessionEnds();

  const recordKey = (idHash: string) => keys.session(idHash);
  const seenKey = (idHash: string) => `${recordKey(idHash)}:seen`;
  const endsAt = (r: SessionRecord) => Math.min(r.lastSeen + idleMs, r.createdAt + absoluteMs);
  const viewOf = (idHash: string, record: SessionRecord): ResolvedSession => ({
    idHash,
    record,
    expiresAt: endsAt(record),
  });

  const switchMemory = (on: boolean) => {
    memory.switch(on);
    for (const listener of switchListeners) listener(on);
  };
  const subscription = store.subscribe(channel, {
    message(idHash) {
      memory.forget(idHash);
      for (const listener of endedListeners) listener(idHash);
    },
    up: () => switchMemory(true),
    down: () => switchMemory(false),
  });

  /** Every end of a session comes here, so every instance forgets it. */
  const end = async (idHash: string, record?: SessionRecord | Omit<SessionRecord, 'lastSeen'>) => {
    memory.forget(idHash);
    const sid = record?.oidc?.sid ?? null;
    await Promise.all([
      store.del(recordKey(idHash)),
      store.del(seenKey(idHash)),
      record === undefined ? undefined : store.removeFromSet(keys.userSessions(record.userId), [idHash]),
      sid === null ? undefined : store.removeFromSet(keys.providerSessions(sha256Hex(sid)), [idHash]),
    ]);
    // Only after the delete: an instance that hears this and reads again must find nothing.
    await store.publish(channel, idHash);
  };

  /**
   * The session as the store holds it, if it is live. One found dead (record or last-seen gone,
   * or past its end by the stored times) is ended here, so every reader treats it the same.
   */
  const load = async (idHash: string, now: number): Promise<SessionRecord | undefined> => {
    const [json, seen] = await Promise.all([store.get(recordKey(idHash)), store.get(seenKey(idHash))]);
    const stored = parseStored(json);
    const lastSeen = seen === null ? Number.NaN : Number(seen);
    if (stored !== undefined && Number.isFinite(lastSeen)) {
      const record: SessionRecord = { ...stored, lastSeen };
      if (now < endsAt(record)) return record;
    }
    if (json !== null) await end(idHash, stored);
    return undefined;
  };

  /** The live sessions in the set at `setKey`, newest first; members found dead leave it. */
  const liveEntries = async (setKey: string): Promise<SessionEntry[]> => {
    const now = clock();
    const idHashes = await store.setMembers(setKey);
    const found = await Promise.all(
      idHashes.map(async (idHash) => ({ idHash, record: await load(idHash, now) })),
    );
    const live: SessionEntry[] = [];
    const gone: string[] = [];
    for (const { idHash, record } of found) {
      if (record === undefined) gone.push(idHash);
      else live.push({ idHash, handle: sessionHandle(idHash), record });
    }
    await store.removeFromSet(setKey, gone);
    return live.sort((a, b) => b.record.createdAt - a.record.createdAt);
  };

  const writeSeen = (idHash: string, record: SessionRecord) =>
    store.set(seenKey(idHash), String(record.lastSeen), {
      ttlMs: Math.max(1, endsAt(record) - record.lastSeen),
    });

  /** The view to answer with, last-seen moved to now (and written behind) when it is due. */
  const touched = (view: ResolvedSession, now: number): ResolvedSession => {
    if (now - view.record.lastSeen < touchAfterMs) return view;
    const next = viewOf(view.idHash, { ...view.record, lastSeen: now });
    tracker.run('session last-seen', () => writeSeen(next.idHash, next.record));
    return next;
  };

  const readStore = async (token: string, now: number): Promise<ResolvedSession | null> => {
    const since = memory.epoch();
    const idHash = sessionIdHash(token);
    const record = await load(idHash, now);
    if (record === undefined) return null;
    const view = touched(viewOf(idHash, record), now);
    memory.keep(token, view, now, since);
    return view;
  };

  return {
    async create(userId, details = PASSWORD_DETAILS) {
      const since = memory.epoch();
      const token = randomBytes(32).toString('base64url');
      const idHash = sessionIdHash(token);
      const now = clock();
      const record: SessionRecord = {
        userId,
        createdAt: now,
        lastSeen: now,
        csrfToken: randomBytes(32).toString('base64url'),
        ...details,
      };
      // Record and last-seen first: a listing that finds the id in an index while last-seen is
      // still missing would take the session for dead and end it.
      await Promise.all([
        store.set(recordKey(idHash), storedJson(record), { ttlMs: absoluteMs }),
        writeSeen(idHash, record),
      ]);
      const sid = record.oidc?.sid ?? null;
      await Promise.all([
        store.addToSet(keys.userSessions(userId), idHash, { ttlMs: absoluteMs }),
        sid === null
          ? undefined
          : store.addToSet(keys.providerSessions(sha256Hex(sid)), idHash, { ttlMs: absoluteMs }),
      ]);
      const view = viewOf(idHash, record);
      memory.keep(token, view, now, since);
      return { token, ...view };
    },

    resolve(token) {
      if (!TOKEN.test(token)) return Promise.resolve(null);
      const now = clock();
      const remembered = memory.get(token, now);
      if (remembered === undefined) return readStore(token, now);
      remembered.view = touched(remembered.view, now);
      return Promise.resolve(remembered.view);
    },

    async destroy(token, record) {
      if (!TOKEN.test(token)) return;
      const remembered = memory.get(token, clock());
      await end(remembered?.view.idHash ?? sessionIdHash(token), record ?? remembered?.view.record);
    },

    listOf: (userId) => liveEntries(keys.userSessions(userId)),
    listOfProviderSession: (sid) => liveEntries(keys.providerSessions(sha256Hex(sid))),
    async end(entries) {
      await Promise.all(entries.map((entry) => end(entry.idHash, entry.record)));
    },

    get fromMemory() {
      return memory.on;
    },
    onEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
    onMemorySwitch(listener) {
      switchListeners.add(listener);
      return () => switchListeners.delete(listener);
    },
    async close() {
      await subscription.close();
      memory.switch(false);
    },
  };
}
