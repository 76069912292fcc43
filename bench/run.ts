// `npm run bench`: the gateway measured against its ceilings, side by side, in one run.
import { loadavg } from 'node:os';
import { describeMachine } from './machine.js';
import type { RoundResult } from './measurement.js';
import { runProfile } from './profile.js';
import { writeResults } from './results.js';
import { startSmoothingRig, type SmoothingRig } from './scenarios/smoothing.js';
import { runRound } from './sequence.js';
import { readSettings, runs } from './settings.js';
import { startSuite } from './suite.js';
import { summarise } from './summary.js';
import { formatReport } from './table.js';
import { judgeTargets } from './targets.js';

const report = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const settings = readSettings();
  const profileArg = process.argv.find((a) => a.startsWith('--profile'));
  if (profileArg !== undefined) {
    // --profile[=hit|miss[:connections]]
    const [path, connections] = (profileArg.split('=')[1] ?? 'hit').split(':');
    await runProfile(
      { ...settings, connections: Number(connections) || settings.connections },
      path === 'miss' ? 'miss' : 'hit',
      report,
    );
    return;
  }
  const machine = await describeMachine(settings.redisUrl);
  report(
    `signals-bff bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, Redis ${machine.redis}`,
  );
  report(`${settings.rounds} rounds; ${settings.warmupS} s warm-up + ${settings.durationS} s per scenario`);
  if (machine.loadAverageAtStart > 0.5 * machine.cores) {
    report(`warning: load average ${machine.loadAverageAtStart} at start: other work competes for the cores`);
  }
  const started = Date.now();
  const suite = await startSuite(settings);
  process.once('SIGINT', () => {
    report('interrupted: stopping the children and deleting the bench keys');
    void suite.close().finally(() => process.exit(130));
  });
  const rounds: RoundResult[] = [];
  const problems: string[] = [];
  const gatewayIdleRssMb = suite.gatewayIdleRssMb;
  try {
    if (suite.gatewayProblem !== undefined) {
      problems.push(`gateway scenarios skipped: ${suite.gatewayProblem}`);
      report(problems[0] ?? '');
    }
    let rig: SmoothingRig | undefined;
    if (runs(settings, 'smoothing') && suite.cookie !== undefined) rig = await startSmoothingRig(suite);
    for (let round = 0; round < settings.rounds; round += 1) {
      const { result, problems: found } = await runRound(suite, rig, round, report);
      rounds.push(result);
      problems.push(...found.map((p) => `round ${round + 1}: ${p}`));
    }
  } finally {
    await suite.close();
  }
  const summary = summarise(rounds);
  const targets = judgeTargets(summary, rounds);
  const loadAverageAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const file = writeResults({
    machine,
    settings,
    loadAverageAtEnd,
    gatewayIdleRssMb,
    summary,
    targets,
    rounds,
    problems,
  });
  process.stdout.write(`\n${formatReport(summary, targets, problems)}\n\n`);
  report(`gateway RSS at rest after start-up: ${gatewayIdleRssMb} MB`);
  report(`load average: ${machine.loadAverageAtStart} at start, ${loadAverageAtEnd} at the end`);
  report(`written ${file} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((error: unknown) => {
  report(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
