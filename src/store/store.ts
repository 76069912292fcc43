/**
 * The one interface every shared piece of state goes through: sessions, login throttles, the
 * page cache and its locks, the upstream budget, the audit stream. Two implementations:
 * Redis (production, any number of instances) and memory (the embedded store: one instance).
 * Operations a subsystem needs atomically (a lock release, a rate slot) are primitives here,
 * so each is one round trip on Redis and a plain function on memory.
 *
 * Every method rejects with StoreUnavailableError when the store cannot answer in time.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` is set and the key exists. */
  set(key: string, value: string, options: { ttlMs: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  del(key: string): Promise<void>;
  /**
   * Reads the key and deletes it in one step: of concurrent callers only one gets the value (a
   * single-use login transaction).
   */
  take(key: string): Promise<string | null>;
  /** Deletes the key only while it still holds `expected` (a lock released only by its holder). */
  delIfEquals(key: string, expected: string): Promise<boolean>;
  /**
   * Sets `key` and releases `lock` (deleted only while it still holds `token`) in one step: a fill
   * stores its page and lets go of the page's lock in one round trip. Both keys share a slot.
   */
  setAndRelease(
    key: string,
    value: string,
    options: { ttlMs: number },
    lock: { key: string; token: string },
  ): Promise<void>;
  /** Counts within a window that starts at the first increment; `ttlMs` is what is left of it. */
  incrWindow(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /**
   * GCRA on the store's own clock: reserves the next slot of a budget of one call per `intervalMs`
   * with `burst` calls of tolerance, when that slot is at most `maxWaitMs` away. The first `burst`
   * calls after the budget was full go at their slot; later ones, until it is full again, go
   * `jitterMs` after it (gcra.ts reserveGcraSlot).
   */
  reserveSlot(key: string, budget: SlotQuery['budget']): Promise<SlotReservation>;
  /**
   * Takes `lock` (sets it to `token` when absent) and, only if it took it, reserves a slot as
   * reserveSlot does: a page fill that will call the vendor gets its lock and its slot in one
   * round trip. On a Cluster the two keys live in different slots: two round trips, and a lock
   * taken whose slot then failed comes back with no slot (the caller reserves its own).
   */
  lockAndReserve(
    lock: { key: string; token: string; ttlMs: number },
    slot: SlotQuery,
  ): Promise<{ locked: false } | { locked: true; slot: SlotReservation | undefined }>;
  /**
   * GCRA like reserveSlot, never waiting: takes up to `want` calls that fit now (at least one, or
   * none). `aheadMs` is how far the budget then runs ahead of now, for what is left; when none fit,
   * `retryAfterMs` is when one will.
   */
  takeTokens(key: string, budget: SlotBudget & { want: number }): Promise<TokenGrant>;
  /** Pushes every future slot of the budget at least `pauseMs` from now (an upstream 429). */
  pauseSlots(key: string, budget: SlotBudget & { pauseMs: number }): Promise<void>;
  /**
   * Appends a writer's batch to an append-only log, trimmed to about `maxLen` entries: all of it,
   * or nothing when a batch of the writer with a higher `seq` already landed (`landed` false: the
   * batch arrived late, and never will land by this call). The store remembers per writer the highest
   * `seq` landed and the numbers it skipped (docs/audit.md#audit-durability), so redeliverLog can
   * tell whether a batch is in the log: constant memory per writer, none per entry.
   */
  appendLog(key: string, batch: LogBatch, options: LogAppendOptions): Promise<LogAppendResult>;
  /**
   * Appends each batch unless it is in the log already (it landed by appendLog, or by an earlier
   * redeliverLog), and marks it as landed, in one atomic step per writer: redelivering a batch
   * any number of times lands it once. `uncertain` counts entries appended without knowing
   * (the writer's memory was lost or too old): they may be in the log twice.
   */
  redeliverLog(
    key: string,
    batches: readonly LogBatch[],
    options: LogAppendOptions,
  ): Promise<LogRedeliveryResult>;
  /** Newest first, strictly older than `before` (a position from an earlier read) when given. */
  readLog(key: string, options: { before?: string; count: number }): Promise<LogEntry[]>;
  /**
   * Adds `member` to the set at `key` for `ttlMs` on the store's clock: each member expires on its
   * own (a user's sessions), and the set lives as long as its longest-lived member.
   */
  addToSet(key: string, member: string, options: { ttlMs: number }): Promise<void>;
  /** The members of the set at `key` that have not expired, in no particular order. */
  setMembers(key: string): Promise<string[]>;
  removeFromSet(key: string, members: readonly string[]): Promise<void>;
  /** Sends `message` to every current subscriber of `channel`, on every instance. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Listens to `channel` until closed. Delivery is at most once: a message published while the
   * subscription is not up is lost, so a listener that must not miss one has to treat `down` as
   * "anything may have happened" and distrust what it knows until `up` again.
   */
  subscribe(channel: string, handlers: SubscriptionHandlers): Subscription;
  /** Rejects when the store is unreachable. */
  ping(): Promise<void>;
  /** Resolves true once connected (false after `timeoutMs`): start-up waits so first requests don't fail. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface SubscriptionHandlers {
  message(message: string): void;
  /** Subscribed: every message published from now on reaches `message`, until `down`. */
  up(): void;
  /** Messages may be lost from now on; the store keeps trying to subscribe again. */
  down(): void;
}

export interface Subscription {
  /** No handler is called once this was. */
  close(): Promise<void>;
}

export interface SlotBudget {
  intervalMs: number;
  burst: number;
}

export interface TokenGrant {
  granted: number;
  aheadMs: number;
  retryAfterMs: number;
}

/** A slot to reserve: the budget's key, its rule and the longest wait for it. */
export interface SlotQuery {
  key: string;
  budget: SlotBudget & { maxWaitMs: number; jitterMs?: number };
}

export type SlotReservation = { granted: true; waitMs: number } | { granted: false; retryAfterMs: number };

/** One writer's batch of log entries. */
export interface LogBatch {
  /** Who wrote it: unique per writer (a process), never reused. */
  writer: string;
  /** The writer numbers its batches 1, 2, 3… in the order it sends them; each number once. */
  seq: number;
  entries: readonly string[];
}

export interface LogAppendOptions {
  maxLen: number;
  /** How long the store remembers a writer after its last batch. */
  writerTtlMs: number;
  /**
   * Waits, at most `timeoutMs`, until `min` replicas hold the write (Redis WAIT) and answers how
   * many did in `replicas`: fewer means a failover may lose it. The embedded store has none.
   */
  replicas?: { min: number; timeoutMs: number };
}

export interface LogAppendResult {
  landed: boolean;
  /** Replicas that confirmed the write in time; 0 unless asked for (`LogAppendOptions.replicas`). */
  replicas: number;
}

export interface LogRedeliveryResult {
  appended: number;
  skipped: number;
  uncertain: number;
  /** As in LogAppendResult: replicas that confirmed the whole call's writes in time. */
  replicas: number;
}

export interface LogEntry {
  /** The store's position of the entry, usable as `before` for the next page. */
  position: string;
  json: string;
}

/** Thrown by the store when Redis cannot answer in time; authenticated routes answer 503, never 401. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the session and cache store is unreachable', cause === undefined ? undefined : { cause });
    this.name = 'StoreUnavailableError';
  }
}
