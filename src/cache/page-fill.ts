import { randomUUID } from 'node:crypto';
import { delayUnlessAborted } from '../ratelimit/abortable-delay.js';
import type { UpstreamBudget } from '../ratelimit/types.js';
import type { ScanQuery, UpstreamClient, UpstreamFailure, UpstreamPage } from '../upstream/types.js';
import type { PageStore } from './page-store.js';

export type FillResult =
  | { kind: 'page'; page: UpstreamPage; upstreamMs: number | undefined }
  | {
      kind: 'failure';
      failure: UpstreamFailure;
      upstreamTraceId: string | undefined;
      upstreamMs: number | undefined;
    }
  | { kind: 'aborted' };

export interface FillRequest {
  pageId: string;
  query: ScanQuery;
  traceId: string;
  /** Aborts when nobody waits for this fill any more. */
  signal?: AbortSignal | undefined;
  /**
   * A cache miss accepts any servable entry that appears; a bypass accepts only the entry written
   * by a lock holder it waited on (an older entry is exactly what it asked to skip).
   */
  acceptAnyEntry: boolean;
  /** False when the store just failed: straight to the upstream, no lock, no write. */
  useStore: boolean;
}

export interface PageFill {
  /** One upstream call per page across instances: the lock holder calls, the others wait for its entry. */
  load(request: FillRequest): Promise<FillResult>;
  /** A background refresh: only when nobody else is filling the page; never waits. */
  refresh(request: Omit<FillRequest, 'acceptAnyEntry' | 'useStore'>): Promise<FillResult | undefined>;
}

export interface PageFillOptions {
  pages: PageStore;
  upstream: UpstreamClient;
  budget: UpstreamBudget;
  ttlS: number;
  staleS: number;
  clock: () => number;
  maxWaitMs: number;
  lockTtlMs: number;
}

const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

/** Fills pages through the budget and the upstream, one call per page across instances. */
export function createPageFill(options: PageFillOptions): PageFill {
  const { pages, upstream, budget, clock, maxWaitMs, lockTtlMs } = options;

  const failure = (f: UpstreamFailure, upstreamTraceId?: string, upstreamMs?: number): FillResult => ({
    kind: 'failure',
    failure: f,
    upstreamTraceId,
    upstreamMs,
  });

  /** Budget slot, then the call. A vendor 429 pauses every instance; one retry when the pause fits the max wait. */
  async function callUpstream(request: FillRequest, retryAfter429: boolean): Promise<FillResult> {
    for (let attempt = 1; ; attempt += 1) {
      // An open circuit answers without calling: no reason to spend or wait for a slot.
      if (upstream.circuitState() !== 'open') {
        const slot = await budget.acquire({ signal: request.signal });
        if (!slot.ok) {
          if (request.signal?.aborted === true) return { kind: 'aborted' };
          return failure({ kind: 'rate_limited', retryAfterS: slot.retryAfterS });
        }
      }
      const result = await upstream.listScans(request.query, { traceId: request.traceId });
      if (result.ok) return { kind: 'page', page: result.page, upstreamMs: result.durationMs };
      if (result.failure.kind === 'rate_limited') {
        await budget.pause(result.failure.retryAfterS);
        if (retryAfter429 && attempt === 1 && result.failure.retryAfterS * 1000 <= maxWaitMs) continue;
      }
      return failure(result.failure, result.upstreamTraceId, result.durationMs);
    }
  }

  /** Holds the lock: calls, stores a good page, then releases (entry first, so waiters find it). */
  async function fillAsHolder(request: FillRequest, token: string, retryAfter429: boolean) {
    try {
      const result = await callUpstream(request, retryAfter429);
      if (result.kind === 'page') {
        const now = clock();
        const freshUntil = now + options.ttlS * 1000;
        await pages.write(
          request.pageId,
          {
            accountGroupId: request.query.accountGroupId,
            freshUntil,
            staleUntil: freshUntil + options.staleS * 1000,
            fillToken: token,
            page: result.page,
          },
          now,
        );
      }
      return result;
    } finally {
      await pages.unlock(request.pageId, token);
    }
  }

  /**
   * Another instance holds the lock: poll (10 → 100 ms) for its entry. When the lock goes away
   * without one (its holder failed or died and the lock expired), take it and fill.
   */
  async function waitForHolder(request: FillRequest, token: string): Promise<FillResult> {
    const { pageId, signal } = request;
    const group = request.query.accountGroupId;
    let holder = await pages.holder(pageId);
    // Every holder seen: its entry is the fill this request waits for, whatever its age.
    const awaited = new Set<string>();
    const deadline = performance.now() + lockTtlMs + POLL_MAX_MS;
    const filled = async (): Promise<FillResult | 'store_down' | undefined> => {
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
      if (holder.kind === 'store_down') return callUpstream(request, true);
      if (!(await delayUnlessAborted(delay, signal))) return { kind: 'aborted' };
      const first = await filled();
      if (first === 'store_down') return callUpstream(request, true);
      if (first !== undefined) return first;
      const current = await pages.holder(pageId);
      if (current.kind !== 'free') {
        holder = current;
        continue;
      }
      // The holder wrote its entry before releasing: read once more before taking over.
      const second = await filled();
      if (second === 'store_down') return callUpstream(request, true);
      if (second !== undefined) return second;
      const taken = await pages.lock(pageId, token, lockTtlMs);
      if (taken === 'store_down') return callUpstream(request, true);
      if (taken) return fillAsHolder(request, token, true);
      holder = await pages.holder(pageId);
    }
    return failure({ kind: 'timeout' });
  }

  return {
    async load(request) {
      if (!request.useStore) return callUpstream(request, true);
      const token = randomUUID();
      const taken = await pages.lock(request.pageId, token, lockTtlMs);
      if (taken === 'store_down') return callUpstream(request, true);
      if (taken) return fillAsHolder(request, token, true);
      return waitForHolder(request, token);
    },

    async refresh(request) {
      const token = randomUUID();
      const taken = await pages.lock(request.pageId, token, lockTtlMs);
      if (taken !== true) return undefined;
      return fillAsHolder({ ...request, acceptAnyEntry: true, useStore: true }, token, false);
    },
  };
}
