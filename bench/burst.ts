import { Pool } from 'undici';
import { quantile, sortedCopy } from './stats.js';

export interface BurstResult {
  byStatus: Record<string, number>;
  /** Answers by their `X-Cache` header (`none` when absent). */
  byCache: Record<string, number>;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * Fires `count` requests for one path at once, one connection each, and waits for all of them.
 * The connections are opened first (with `openWith`, a cheap path), so that the burst's requests
 * arrive together instead of one TCP handshake apart.
 */
export async function runBurst(options: {
  url: string;
  count: number;
  path: string;
  openWith: string;
  headers?: Record<string, string>;
}): Promise<BurstResult> {
  const pool = new Pool(new URL(options.url).origin, { connections: options.count });
  await Promise.all(
    Array.from({ length: options.count }, async () => {
      const res = await pool.request({ method: 'GET', path: options.openWith });
      await res.body.dump();
    }),
  );
  const byStatus: Record<string, number> = {};
  const byCache: Record<string, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: options.count }, async () => {
      const started = performance.now();
      try {
        const res = await pool.request({ method: 'GET', path: options.path, headers: options.headers ?? {} });
        await res.body.dump();
        latencies.push(performance.now() - started);
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
        const cache = String(res.headers['x-cache'] ?? 'none');
        byCache[cache] = (byCache[cache] ?? 0) + 1;
      } catch {
        errors += 1;
      }
    }),
  );
  await pool.close();
  const sorted = sortedCopy(latencies);
  return { byStatus, byCache, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), errors };
}
