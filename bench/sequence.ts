import { SCENARIOS, type Bench, type Row } from './measure.js';
import { runs, type Group } from './options.js';
import { coalescing } from './scenarios/coalescing.js';
import { loginUnderLoad } from './scenarios/login.js';
import { smoothingBursts } from './scenarios/smoothing.js';
import {
  ceilingA,
  ceilingB,
  ceilingC,
  gatewayHit,
  gatewayMiss,
  type ThroughputRig,
} from './scenarios/throughput.js';
import type { GatewaySpec, Servers } from './servers.js';
import type { BenchUsers } from './users.js';

type Step = [Group, string, () => Promise<Row | Row[]>];

/**
 * Every selected scenario, in order: the throughput pairs and coalescing once per round, then the
 * logins and the smoothing bursts once. A scenario that fails is a problem in the report, not the
 * end of the run.
 */
export async function runScenarios(
  bench: Bench,
  rig: ThroughputRig,
  more: { servers: Servers; gatewaySpec: Omit<GatewaySpec, 'upstreamUrl'>; users: BenchUsers },
  say: (line: string) => void,
): Promise<{ rows: Row[]; problems: string[] }> {
  const steps: Step[] = [];
  for (let r = 0; r < bench.options.rounds; r += 1) {
    // Each ratio's two sides run back to back, in an order that flips every round, so drift over
    // the run favours neither.
    const pair = (a: Step, b: Step) => (r % 2 === 0 ? [a, b] : [b, a]);
    steps.push(
      ...pair(
        ['ceilings', 'A', () => ceilingA(bench, rig, r)],
        ['hit', 'HIT', () => gatewayHit(bench, rig, r)],
      ),
      ['ceilings', 'B', () => ceilingB(bench, rig, r)],
      ...pair(
        ['ceilings', 'C', () => ceilingC(bench, rig, r)],
        ['miss', 'MISS', () => gatewayMiss(bench, rig, r)],
      ),
      ['coalescing', 'coalescing', () => coalescing(rig, r)],
    );
  }
  steps.push(
    ['login', 'login', () => loginUnderLoad(bench, rig, more.users.login)],
    [
      'smoothing',
      'smoothing',
      () => smoothingBursts(bench, more.servers, more.gatewaySpec, more.users.reader),
    ],
  );

  const rows: Row[] = [];
  const problems: string[] = [];
  for (const [group, name, measure] of steps) {
    if (!runs(bench.options, group)) continue;
    try {
      for (const row of [await measure()].flat()) {
        rows.push(row);
        say(progress(row));
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push(`${name}: ${message}`);
      say(`${name}: FAILED ${message}`);
    }
  }
  return { rows, problems };
}

function progress(row: Row): string {
  const rps = row.rps === null ? '' : `${Math.round(row.rps)} req/s, `;
  const cpu = row.cpuUsPerRequest === null ? '' : `, ${Math.round(row.cpuUsPerRequest)} µs CPU/req`;
  return (
    `[round ${row.round + 1}] ${SCENARIOS[row.scenario]}: ${rps}p50 ${row.p50Ms.toFixed(2)} ms, ` +
    `p99 ${row.p99Ms.toFixed(2)} ms, peak RSS ${Math.round(row.peakRssMb)} MB${cpu}` +
    `${row.notOk > 0 ? `, ${row.notOk} not 2xx` : ''}${row.notes ? `; ${row.notes}` : ''}`
  );
}
