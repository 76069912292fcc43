// `npm run simulator`: the vendor API simulator as a standalone process, for the demo and benchmarks.
import { parseArgs } from 'node:util';

import { startSimulator } from './simulator.js';
import type { StartSimulatorOptions } from './simulator.js';

const USAGE =
  'usage: npm run simulator -- [--port 4010] [--host 127.0.0.1] [--key sim-key] [--rps N --burst N] [--latency-ms N]';

function toNumber(
  name: string,
  raw: string | undefined,
  { min, max = Number.MAX_SAFE_INTEGER, integer }: { min: number; max?: number; integer: boolean },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    throw new Error(
      `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

/** Flags win over the environment (SIM_PORT, SIM_API_KEY), which wins over the defaults. */
function readOptions(argv: string[]): StartSimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      key: { type: 'string' },
      rps: { type: 'string' },
      burst: { type: 'string' },
      'latency-ms': { type: 'string' },
    },
    strict: true,
  });
  const port =
    toNumber('port', values.port ?? process.env['SIM_PORT'] ?? '4010', {
      min: 0,
      max: 65_535,
      integer: true,
    }) ?? 4010;
  const key = values.key ?? process.env['SIM_API_KEY'] ?? 'sim-key';
  const rps = toNumber('rps', values.rps, { min: Number.MIN_VALUE, integer: false });
  const burst = toNumber('burst', values.burst, { min: 1, integer: true });
  const latencyMs = toNumber('latency-ms', values['latency-ms'], { min: 0, integer: true });
  if (burst !== undefined && rps === undefined) throw new Error('--burst needs --rps');
  const options: StartSimulatorOptions = {
    port,
    host: values.host,
    keys: [{ key, accountGroups: '*', permissions: ['signals:read'] }],
  };
  if (rps !== undefined) options.rateLimit = { rps, burst: burst ?? Math.max(1, Math.ceil(rps)) };
  // A starting fault: a later PUT /_sim/faults replaces it, as setFaults does.
  if (latencyMs !== undefined) options.faults = { latencyMs };
  return options;
}

async function main(): Promise<void> {
  let options: StartSimulatorOptions;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`simulator: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const simulator = await startSimulator(options);
  console.log(`signals simulator listening on ${simulator.url}`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`simulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
