import autocannon from 'autocannon';
import { quantile, sortedCopy } from './stats.js';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A fixed path, or a function giving each request's path (distinct pages). */
  path: string | (() => string);
}

export interface LoadResult {
  /** 2xx answers per second over the run. */
  rps: number;
  /** Latency of 2xx answers, ms (sub-millisecond resolution). */
  p50: number;
  p99: number;
  ok: number;
  /** Answers that were not 2xx, by status. */
  notOk: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * Closed-loop load with autocannon: `connections` clients each send the next request when the last
 * is answered. Latencies come from autocannon's per-response event (fractional ms), not its
 * histogram, which rounds to whole milliseconds.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const notOk: Record<string, number> = {};
  const nextPath = options.path;
  const base = new URL(options.url);
  const request: autocannon.Request =
    typeof nextPath === 'string'
      ? { path: nextPath }
      : { setupRequest: (req: autocannon.Request) => ({ ...req, path: nextPath() }) };
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base.origin,
        connections: options.connections,
        duration: options.durationS,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.body === undefined ? {} : { body: options.body }),
        requests: [request],
        timeout: 10,
      },
      (error: unknown, done: autocannon.Result) =>
        error ? reject(new Error('autocannon failed', { cause: error })) : resolve(done),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) latencies.push(responseTime);
      else notOk[status] = (notOk[status] ?? 0) + 1;
    });
  });
  const elapsedS = (performance.now() - started) / 1000;
  const sorted = sortedCopy(latencies);
  return {
    rps: latencies.length / Math.max(elapsedS, options.durationS),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    ok: latencies.length,
    notOk,
    errors: result.errors + result.timeouts,
  };
}
