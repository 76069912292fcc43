import { cpuTimeMs } from '../cpu.js';
import { runLoad, type LoadOptions } from '../load.js';
import type { Measurement, ScenarioKey } from '../measurement.js';
import { sampleRss } from '../rss.js';
import type { BenchSettings } from '../settings.js';

/** Scenarios already run once: the first run of each gets a longer warm-up, while the JIT settles. */
const warmed = new Set<ScenarioKey>();
const FIRST_WARMUP_FACTOR = 3;

/**
 * The shape of every closed-loop scenario: the same load unmeasured for the warm-up, then measured
 * while the RSS of the process under test is sampled from outside.
 */
export async function measureThroughput(
  settings: BenchSettings,
  scenario: ScenarioKey,
  pid: number,
  load: Omit<LoadOptions, 'durationS' | 'connections'> & { connections?: number },
): Promise<Measurement> {
  const connections = load.connections ?? settings.connections;
  // Paths given as a function keep their sequence across warm-up and measurement.
  const warmupS = warmed.has(scenario) ? settings.warmupS : FIRST_WARMUP_FACTOR * settings.warmupS;
  warmed.add(scenario);
  await runLoad({ ...load, connections, durationS: warmupS });
  const rss = sampleRss(pid);
  const cpuBefore = await cpuTimeMs(pid);
  const result = await runLoad({ ...load, connections, durationS: settings.durationS });
  const cpuAfter = await cpuTimeMs(pid);
  const answered = result.ok + Object.values(result.notOk).reduce((a, b) => a + b, 0);
  return {
    ...(cpuBefore === undefined || cpuAfter === undefined || answered === 0
      ? {}
      : { cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1000) / answered }),
    scenario,
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    rssMb: await rss.stop(),
    notOk: result.notOk,
    errors: result.errors,
  };
}
