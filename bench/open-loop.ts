import { Pool } from 'undici';
import { quantile, sortedCopy } from './stats.js';

export interface OpenLoopOptions {
  url: string;
  /** Requests started per second, whatever the answers do (an open loop, like real users). */
  rate: number;
  durationS: number;
  path: () => string;
  headers?: Record<string, string>;
}

export interface OpenLoopResult {
  sent: number;
  byStatus: Record<string, number>;
  /** Latency of every answer, ms. */
  p50: number;
  p99: number;
  errors: number;
}

/**
 * Starts requests on a schedule rather than when the last one is answered, so a gateway that holds
 * requests (rate smoothing) still sees the offered rate.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(new URL(options.url).origin, { connections: 4096 });
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let errors = 0;

  const fire = () => {
    const started = performance.now();
    const done = pool
      .request({ method: 'GET', path: options.path(), headers: options.headers ?? {} })
      .then(async (res) => {
        await res.body.dump();
        latencies.push(performance.now() - started);
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      })
      .catch(() => void (errors += 1))
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
    sent += 1;
  };

  const total = Math.round(options.rate * options.durationS);
  const begin = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * options.rate));
      while (sent < due) fire();
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  await pool.close();
  const sorted = sortedCopy(latencies);
  return { sent, byStatus, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), errors };
}
