import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in ms; undefined where /proc is missing.
 * Per request, it says what a request costs the process whatever else the machine is doing, which
 * throughput alone does not on a shared 2-core box.
 */
export async function cpuTimeMs(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (ticks * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
