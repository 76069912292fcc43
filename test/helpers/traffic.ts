import { createWaitableList, type WaitableList } from './waitable-list.js';

/** One answer of a traffic loop; times are performance.now() of this process. */
export interface TrafficSample {
  startedAt: number;
  at: number;
  /** 0 when no answer came (refused, reset, or over the request's 3-s bound). */
  status: number;
  traceId: string | null;
  retryAfter: string | null;
}

export interface Traffic {
  samples: WaitableList<TrafficSample>;
  /** Stops after the request in flight; resolves once it is answered. */
  stop(): Promise<void>;
}

/**
 * A client that keeps using the gateway through an outage: one request after the other, each
 * started at least `everyMs` after the one before (the pace of the traffic, not a wait for
 * anything), every answer kept in order so a test can await the one it needs.
 */
export function startTraffic(send: (signal: AbortSignal) => Promise<Response>, everyMs = 20): Traffic {
  const samples = createWaitableList<TrafficSample>('answer');
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const startedAt = performance.now();
      let sample: TrafficSample;
      try {
        const res = await send(AbortSignal.timeout(3000));
        await res.arrayBuffer();
        sample = {
          startedAt,
          at: performance.now(),
          status: res.status,
          traceId: res.headers.get('x-trace-id'),
          retryAfter: res.headers.get('retry-after'),
        };
      } catch {
        sample = { startedAt, at: performance.now(), status: 0, traceId: null, retryAfter: null };
      }
      samples.push(sample);
      const rest = startedAt + everyMs - performance.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
      samples.end('traffic stopped');
    },
  };
}

/**
 * How long the traffic went unserved after `from`: to the first 200 after the last answer that
 * was not one (0 when every answer after `from` was a 200).
 */
export function outageAfter(samples: readonly TrafficSample[], from: number): number {
  const after = samples.filter((s) => s.startedAt >= from);
  const lastFailure = after.findLast((s) => s.status !== 200);
  if (lastFailure === undefined) return 0;
  const back = after.find((s) => s.startedAt > lastFailure.startedAt && s.status === 200);
  if (back === undefined) throw new Error('the traffic was not served again');
  return back.at - from;
}
