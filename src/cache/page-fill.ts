import { randomUUID } from 'node:crypto';
import { delayUnlessAborted } from '../platform/abortable-delay.js';
import type { BackgroundTasks } from '../platform/background-tasks.js';
import type { AbortLike } from '../platform/light-abort.js';
import type { SlotReservation } from '../store/store.js';
import type { PageLoad, PageLoader, PageQuery, PageRequest } from './page-request.js';
import type { PageStore } from './page-store.js';

export interface FillRequest<F> {
  pageId: string;
  query: PageQuery;
  load: PageLoader<F>;
  slot?: PageRequest<F>['slot'];
  /** Aborts when nobody waits for this fill any more. */
  signal?: AbortLike | undefined;
  /**
   * A cache miss accepts any servable entry that appears; a bypass accepts only the entry written
   * by a lock holder it waited on (an older entry is exactly what it asked to skip).
   */
  acceptAnyEntry: boolean;
  /** False when the store just failed: straight to the source, no lock, no write. */
  useStore: boolean;
}

export interface PageFill {
  /** One load per page across instances: the lock holder loads, the others wait for its entry. */
  load<F>(request: FillRequest<F>): Promise<PageLoad<F>>;
  /** A background refresh: only when nobody else is filling the page; never waits. */
  refresh<F>(request: Omit<FillRequest<F>, 'acceptAnyEntry' | 'useStore'>): Promise<PageLoad<F> | undefined>;
}

export interface PageFillOptions {
  pages: PageStore;
  ttlS: number;
  staleS: number;
  clock: () => number;
  lockTtlMs: number;
  /** Runs the entry writes, which nobody waits for. */
  tracker: BackgroundTasks;
}

const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

/** Fills pages from their loader, one load per page across instances. */
export function createPageFill(options: PageFillOptions): PageFill {
  const { pages, clock, lockTtlMs } = options;

  const fromSource = <F>(
    request: FillRequest<F>,
    purpose: 'request' | 'refresh',
    reserved?: SlotReservation,
  ) => request.load(request.signal, purpose, reserved);

  const lock = <F>(request: Pick<FillRequest<F>, 'pageId' | 'slot'>, token: string) =>
    pages.lock(request.pageId, token, lockTtlMs, request.slot?.());

  /**
   * Holds the lock: calls, stores a good page, then releases (entry first, so waiters find it).
   * The page is answered without waiting for its write: the write and the release are one store
   * command, sent before anything this process asks later, so this instance reads its own entry.
   * Another instance reading in between still sees the lock, and waits for the entry.
   */
  async function fillAsHolder<F>(
    request: FillRequest<F>,
    token: string,
    purpose: 'request' | 'refresh',
    reserved: SlotReservation | undefined,
  ): Promise<PageLoad<F>> {
    let released = false;
    try {
      const result = await fromSource(request, purpose, reserved);
      if (result.kind === 'page') {
        const now = clock();
        const freshUntil = now + options.ttlS * 1000;
        const entry = {
          accountGroupId: request.query.accountGroupId,
          freshUntil,
          staleUntil: freshUntil + options.staleS * 1000,
          fillToken: token,
          page: result.page,
        };
        options.tracker.run('cache.write', () => pages.writeAndUnlock(request.pageId, entry, now, token));
        released = true;
      }
      return result;
    } finally {
      if (!released) await pages.unlock(request.pageId, token);
    }
  }

  /**
   * Another instance holds the lock: poll (10 → 100 ms) for its entry. When the lock goes away
   * without one (its holder failed or died and the lock expired), take it and fill.
   */
  async function waitForHolder<F>(request: FillRequest<F>, token: string): Promise<PageLoad<F>> {
    const { pageId, signal } = request;
    const group = request.query.accountGroupId;
    let holder = await pages.holder(pageId);
    // Every holder seen: its entry is the fill this request waits for, whatever its age.
    const awaited = new Set<string>();
    const deadline = performance.now() + lockTtlMs + POLL_MAX_MS;
    const filled = async (): Promise<PageLoad<F> | 'store_down' | undefined> => {
      if (holder.kind === 'held') awaited.add(holder.token);
      const read = await pages.read(pageId, group);
      if (read.kind === 'store_down') return 'store_down';
      if (read.kind !== 'entry') return undefined;
      // A miss also takes another fill's entry, but never the expired one it just missed.
      const usable = request.acceptAnyEntry && clock() < read.entry.staleUntil;
      if (!usable && !awaited.has(read.entry.fillToken)) return undefined;
      return { kind: 'page', page: read.entry.page, upstreamMs: undefined };
    };
    for (let delay = POLL_FIRST_MS; performance.now() < deadline; delay = Math.min(delay * 2, POLL_MAX_MS)) {
      if (holder.kind === 'store_down') return fromSource(request, 'request');
      if (!(await delayUnlessAborted(delay, signal))) return { kind: 'unanswered', reason: 'client_left' };
      const first = await filled();
      if (first === 'store_down') return fromSource(request, 'request');
      if (first !== undefined) return first;
      const current = await pages.holder(pageId);
      if (current.kind !== 'free') {
        holder = current;
        continue;
      }
      // The holder wrote its entry before releasing: read once more before taking over.
      const second = await filled();
      if (second === 'store_down') return fromSource(request, 'request');
      if (second !== undefined) return second;
      const taken = await lock(request, token);
      if (taken === 'store_down') return fromSource(request, 'request');
      if (taken.taken) return fillAsHolder(request, token, 'request', taken.reserved);
      holder = await pages.holder(pageId);
    }
    return { kind: 'unanswered', reason: 'lock_wait_expired' };
  }

  return {
    async load(request) {
      if (!request.useStore) return fromSource(request, 'request');
      const token = randomUUID();
      const taken = await lock(request, token);
      if (taken === 'store_down') return fromSource(request, 'request');
      if (taken.taken) return fillAsHolder(request, token, 'request', taken.reserved);
      return waitForHolder(request, token);
    },

    async refresh(request) {
      const token = randomUUID();
      const taken = await lock(request, token);
      if (taken === 'store_down' || !taken.taken) return undefined;
      return fillAsHolder(
        { ...request, acceptAnyEntry: true, useStore: true },
        token,
        'refresh',
        taken.reserved,
      );
    },
  };
}
