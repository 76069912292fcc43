import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LUA = fileURLToPath(new URL('./load.lua', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('./autocannon-load.mjs', import.meta.url));

export interface LoadSpec {
  /** Origin of the server under test. */
  url: string;
  /** The path of every request, unless `paths` is given. */
  path?: string;
  /** Cycled through, one per request (distinct pages). */
  paths?: readonly string[];
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** A POST with this body instead of a GET. */
  body?: string;
  /** Requests started per second on a schedule instead of closed-loop. */
  rate?: number;
  /** Count answers by status (costs the load generator a parse per response). */
  countStatuses?: boolean;
}

export interface LoadResult {
  /** Answered requests. */
  requests: number;
  durationS: number;
  /** Answers below 400 per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers of 400 and above. */
  errorStatuses: number;
  /** Connect, read and write errors and timeouts. */
  socketErrors: number;
  /** By status, when `countStatuses`. */
  statuses: Record<string, number>;
}

/** The JSON line bench/load.lua and bench/autocannon-load.mjs print last. */
interface RawResult {
  requests: number;
  durationUs: number;
  errorStatuses: number;
  socketErrors: number;
  p50Us: number;
  p99Us: number;
  statuses: Record<string, number>;
}

export interface LoadGenerator {
  name: string;
  run(spec: LoadSpec): Promise<LoadResult>;
}

/**
 * wrk (C, one thread) when installed: it costs a fraction of the CPU per request of a Node load
 * generator, which on 2 cores would starve the ceilings and flatter every ratio. Otherwise
 * autocannon, in a process of its own, with a warning to print.
 */
export function chooseLoadGenerator(
  workDir: string,
  forceAutocannon: boolean,
): { generator: LoadGenerator; warning?: string } {
  let files = 0;
  const pathsFile = (paths: readonly string[]) => {
    files += 1;
    const file = join(workDir, `paths-${files}.txt`);
    writeFileSync(file, `${paths.join('\n')}\n`);
    return file;
  };
  const wrk = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (!forceAutocannon && wrk.error === undefined) {
    const version = /wrk (\S+)/.exec(`${wrk.stdout}${wrk.stderr}`)?.[1] ?? '?';
    return { generator: { name: `wrk ${version}`, run: (spec) => runWrk(spec, pathsFile) } };
  }
  return {
    generator: { name: 'autocannon', run: (spec) => runAutocannon(spec, pathsFile) },
    warning:
      `${forceAutocannon ? 'BENCH_LOAD=autocannon' : 'wrk not found (apt-get install -y wrk)'}: load from ` +
      'autocannon, which spends about as much CPU per request as a bare Hono handler: on 2 cores it ' +
      'cannot saturate the ceilings, and every ratio against them comes out too high',
  };
}

async function runWrk(spec: LoadSpec, pathsFile: (p: readonly string[]) => string): Promise<LoadResult> {
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.durationS}s`,
    '--timeout',
    '10s',
    '-s',
    LUA,
    ...Object.entries(spec.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    `${spec.url}${spec.path ?? '/'}`,
    '--',
    ...(spec.paths ? [`paths=${pathsFile(spec.paths)}`] : []),
    ...(spec.body === undefined ? [] : ['method=POST', `body=${spec.body}`]),
    ...(spec.rate === undefined ? [] : [`rate=${spec.rate}`]),
    ...(spec.countStatuses ? ['statuses=1'] : []),
  ];
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 });
  return fromRaw(stdout);
}

async function runAutocannon(
  spec: LoadSpec,
  pathsFile: (p: readonly string[]) => string,
): Promise<LoadResult> {
  const { paths, ...rest } = spec;
  const job = { ...rest, ...(paths ? { pathsFile: pathsFile(paths) } : {}) };
  const { stdout } = await run(process.execPath, [AUTOCANNON, JSON.stringify(job)], { maxBuffer: 1 << 20 });
  return fromRaw(stdout);
}

function fromRaw(stdout: string): LoadResult {
  const last = stdout.trim().split('\n').pop() ?? '';
  const raw = JSON.parse(last) as RawResult;
  const durationS = raw.durationUs / 1e6;
  const ms = (us: number) => (raw.requests === 0 ? Number.NaN : us / 1000);
  return {
    requests: raw.requests,
    durationS,
    rps: (raw.requests - raw.errorStatuses) / durationS,
    p50Ms: ms(raw.p50Us),
    p99Ms: ms(raw.p99Us),
    errorStatuses: raw.errorStatuses,
    socketErrors: raw.socketErrors,
    statuses: raw.statuses,
  };
}
