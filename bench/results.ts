import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './machine.js';
import type { RoundResult } from './measurement.js';
import type { BenchSettings } from './settings.js';
import type { Summary } from './summary.js';
import type { TargetResult } from './targets.js';

export const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

/** How the processes are laid out, written with the numbers because it shapes them. */
export function layout(settings: BenchSettings): string {
  const runtime =
    settings.childRuntime === 'js' ? 'plain node on transpiled JavaScript' : 'node --import tsx';
  return (
    'autocannon (load) in the bench process; every server under test (ceiling A, ceiling C, simulator, ' +
    `each gateway) in a child process of its own (${runtime}); Redis local; no CPU pinning`
  );
}

export interface Results {
  machine: MachineInfo;
  settings: Omit<BenchSettings, 'only' | 'childLogs'> & { layout: string; only: string[] | null };
  /** 1-minute load average when the run ended (compare machine.loadAverageAtStart). */
  loadAverageAtEnd: number;
  /** The main gateway's RSS after start-up, before any load. */
  gatewayIdleRssMb: number | null;
  summary: Summary;
  targets: TargetResult[];
  rounds: RoundResult[];
  problems: string[];
}

export function writeResults(
  parts: Omit<Results, 'settings'> & { settings: BenchSettings },
  file = RESULTS_FILE,
): string {
  const { only, childLogs: _childLogs, ...settings } = parts.settings;
  const results: Results = {
    ...parts,
    settings: {
      ...settings,
      redisUrl: withoutCredentials(settings.redisUrl),
      layout: layout(parts.settings),
      only: only ? [...only] : null,
    },
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** The file may be shared: a password in REDIS_URL must not be. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable)';
  }
}
