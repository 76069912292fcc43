import { SCENARIOS, type Measurement, type RoundResult, type ScenarioKey } from './measurement.js';
import { ceilingA, ceilingB, ceilingC, setUpstreamLatency } from './scenarios/ceilings.js';
import { coalescing, COALESCING_LATENCY_MS } from './scenarios/coalescing.js';
import { gatewayHit, gatewayMiss } from './scenarios/gateway.js';
import { loginUnderLoad } from './scenarios/login.js';
import { smoothingBurst, type SmoothingRig } from './scenarios/smoothing.js';
import { runs, type ScenarioGroup } from './settings.js';
import type { Suite } from './suite.js';

interface Step {
  group: ScenarioGroup;
  keys: ScenarioKey[];
  /** Upstream latency the step runs at (the simulator is switched before it). */
  latencyMs: number;
  usesGateway: boolean;
  run(): Promise<Measurement | Measurement[]>;
}

/**
 * One pass over every scenario. Each ratio's two sides run back to back, and their order flips
 * every other round (A·HIT, HIT·A, …) so that drift over the run does not favour either side.
 */
export async function runRound(
  suite: Suite,
  rig: SmoothingRig | undefined,
  round: number,
  report: (line: string) => void,
): Promise<{ result: RoundResult; problems: string[] }> {
  const pair = (a: Step, b: Step) => (round % 2 === 0 ? [a, b] : [b, a]);
  const step = (
    group: ScenarioGroup,
    keys: ScenarioKey[],
    latencyMs: number,
    run: Step['run'],
    usesGateway = true,
  ): Step => ({ group, keys, latencyMs, usesGateway, run });

  const steps: Step[] = [
    ...pair(
      step('ceilings', ['A'], 0, () => ceilingA(suite), false),
      step('hit', ['HIT'], 0, () => gatewayHit(suite)),
    ),
    step('ceilings', ['B'], 0, () => ceilingB(suite, 'B'), false),
    ...pair(
      step('ceilings', ['C'], 0, () => ceilingC(suite, 'C'), false),
      step('miss', ['MISS'], 0, () => gatewayMiss(suite, 'MISS')),
    ),
    ...pair(
      step('ceilings', ['B1'], 0, () => ceilingB(suite, 'B1'), false),
      step('miss', ['MISS1'], 0, () => gatewayMiss(suite, 'MISS1')),
    ),
    step('ceilings', ['B20'], 20, () => ceilingB(suite, 'B20'), false),
    ...pair(
      step('ceilings', ['C20'], 20, () => ceilingC(suite, 'C20'), false),
      step('miss', ['MISS20'], 20, () => gatewayMiss(suite, 'MISS20')),
    ),
    step('coalescing', ['coalescing'], COALESCING_LATENCY_MS, () => coalescing(suite, round)),
    step('login', ['login', 'hitDuringLogin'], 0, () => loginUnderLoad(suite)),
  ];
  if (rig !== undefined) {
    steps.push(
      step('smoothing', ['smoothing'], 0, () => smoothingBurst(suite, rig, 'smoothing', round)),
      step('smoothing', ['passthrough'], 0, () => smoothingBurst(suite, rig, 'passthrough', round)),
    );
  }

  const result: RoundResult = {};
  const problems: string[] = [];
  for (const s of steps) {
    if (!runs(suite.settings, s.group)) continue;
    const names = s.keys.map((k) => SCENARIOS[k]).join(' + ');
    // run.ts reports once why the gateway scenarios could not run.
    if (s.usesGateway && suite.cookie === undefined) continue;
    try {
      await setUpstreamLatency(suite, s.latencyMs);
      const measured = await s.run();
      for (const m of Array.isArray(measured) ? measured : [measured]) {
        result[m.scenario] = m;
        report(progressLine(round, m));
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push(`${names}: ${message}`);
      report(`[round ${round + 1}] ${names}: FAILED ${message}`);
    }
  }
  await setUpstreamLatency(suite, 0);
  return { result, problems };
}

function progressLine(round: number, m: Measurement): string {
  const notOk = Object.values(m.notOk).reduce((a, b) => a + b, 0) + m.errors;
  const rps = Number.isFinite(m.rps) ? `${Math.round(m.rps)} req/s, ` : '';
  return (
    `[round ${round + 1}] ${SCENARIOS[m.scenario]}: ${rps}p50 ${m.p50.toFixed(2)} ms, ` +
    `p99 ${m.p99.toFixed(2)} ms, RSS ${m.rssMb.toFixed(0)} MB${notOk > 0 ? `, ${notOk} not 2xx` : ''}`
  );
}
