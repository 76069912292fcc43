import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { ResolvedSession, SessionRecord, SessionService } from './identity.js';

/** 32 random bytes in base64url: what a session cookie must look like before the store is asked. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const storedSchema = z.object({
  userId: z.string(),
  createdAt: z.number(),
  csrfToken: z.string(),
});

export interface SessionServiceOptions {
  store: Store;
  keys: Keys;
  /** Milliseconds; tests inject one they move instead of sleeping. */
  clock: () => number;
  /** SESSION_IDLE_S @default 1800 */
  idleS: number;
  /** SESSION_ABSOLUTE_S @default 28800 */
  absoluteS: number;
}

/**
 * Server-side sessions. The cookie holds 32 random bytes; the store holds, under the SHA-256 of
 * them, two keys sharing one hash tag:
 * - the record `{userId, createdAt, csrfToken}`, written once, living at most the absolute lifetime;
 * - its last-seen time, living at most the idle lifetime.
 * Keeping last-seen apart means a request that refreshes it can never bring back a session that a
 * concurrent logout deleted: without the record the session stays dead. Both expiries are
 * decided from the stored times and the clock; the keys' TTLs are only a backstop.
 *
 * Last-seen is rewritten only when older than min(60 s, idle/10), so nearly every request costs
 * two reads in one round trip and no write; the price is that an idle session may end up to that
 * much before its full idle time.
 */
export function createSessionService(options: SessionServiceOptions): SessionService {
  const { store, keys, clock } = options;
  const idleMs = options.idleS * 1000;
  const absoluteMs = options.absoluteS * 1000;
  const touchAfterMs = Math.min(60_000, idleMs / 10);

  const recordKey = (token: string) => keys.session(createHash('sha256').update(token).digest('hex'));
  const seenKeyOf = (record: string) => `${record}:seen`;
  const seenKey = (token: string) => seenKeyOf(recordKey(token));
  const endsAt = (r: SessionRecord) => Math.min(r.lastSeen + idleMs, r.createdAt + absoluteMs);

  const destroy = async (token: string): Promise<void> => {
    if (!TOKEN.test(token)) return;
    await Promise.all([store.del(recordKey(token)), store.del(seenKey(token))]);
  };

  const writeSeen = (token: string, record: SessionRecord) =>
    store.set(seenKey(token), String(record.lastSeen), {
      ttlMs: Math.max(1, endsAt(record) - record.lastSeen),
    });

  return {
    async create(userId) {
      const token = randomBytes(32).toString('base64url');
      const now = clock();
      const record: SessionRecord = {
        userId,
        createdAt: now,
        lastSeen: now,
        csrfToken: randomBytes(32).toString('base64url'),
      };
      const { lastSeen: _seen, ...stored } = record;
      await store.set(recordKey(token), JSON.stringify(stored), { ttlMs: absoluteMs });
      await writeSeen(token, record);
      return { token, record, expiresAt: endsAt(record) };
    },

    async resolve(token): Promise<ResolvedSession | null> {
      if (!TOKEN.test(token)) return null;
      const key = recordKey(token);
      const [storedJson, seen] = await Promise.all([store.get(key), store.get(seenKeyOf(key))]);
      const stored = parseStored(storedJson);
      const lastSeen = Number(seen);
      if (stored === undefined || seen === null || !Number.isFinite(lastSeen)) {
        if (storedJson !== null) await destroy(token);
        return null;
      }
      const now = clock();
      const record: SessionRecord = { ...stored, lastSeen };
      if (now >= endsAt(record)) {
        await destroy(token);
        return null;
      }
      if (now - lastSeen >= touchAfterMs) {
        record.lastSeen = now;
        await writeSeen(token, record);
      }
      return { record, expiresAt: endsAt(record) };
    },

    destroy,
  };
}

function parseStored(json: string | null): Omit<SessionRecord, 'lastSeen'> | undefined {
  if (json === null) return undefined;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
