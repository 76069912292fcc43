import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

export interface RssSampler {
  /** Stops sampling; the highest RSS seen, in MB. */
  stop(): Promise<number>;
}

/**
 * Samples a process's resident set from outside it (Linux: /proc; elsewhere: `ps`), so a busy event
 * loop cannot delay or skip a sample.
 */
export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let maxKb = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const take = () => {
    inFlight = readRssKb(pid).then(
      (kb) => void (maxKb = Math.max(maxKb, kb)),
      () => undefined,
    );
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      take();
      await inFlight;
      return maxKb / 1024;
    },
  };
}

/** One reading, in MB. */
export async function rssMb(pid: number): Promise<number> {
  return (await readRssKb(pid)) / 1024;
}

async function readRssKb(pid: number): Promise<number> {
  if (process.platform === 'linux') {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  }
  const { stdout } = await promisify(execFile)('ps', ['-o', 'rss=', '-p', String(pid)]);
  return Number(stdout.trim());
}
