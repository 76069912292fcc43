import { spawn, type ChildProcess } from 'node:child_process';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { DEFAULT_STORE, gatewayEnv, simulatorFor, usersFileFor, type GatewayParts } from './gateway-env.js';
import { createLines } from './lines.js';
import { deleteKeys, REDIS_URL, testPrefix } from './redis.js';

/** `src/main.ts` through tsx, with exactly the environment given (and PATH). */
export interface MainRun {
  child: ChildProcess;
  /** stdout so far (the JSON log lines). */
  output(): string;
  stderr(): string;
  /** The first stdout line, present or future, containing `text`; rejects once the process exits. */
  waitForLine(text: string, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function runMain(env: Record<string, string>): MainRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createLines();
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => out.write(chunk.toString('utf8')));
  child.stdout.on('end', () => out.end('the gateway process exited'));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out.text(),
    stderr: () => err,
    waitForLine: (text, timeoutMs) => out.waitFor(text, timeoutMs),
    exited,
  };
}

/** The real gateway process, listening, on the test defaults that startGateway uses too. */
export interface GatewayProcess extends MainRun {
  url: string;
  sim: RunningSimulator;
  prefix: string;
  /** Kills the process if it still runs, then deletes its keys and closes its own simulator. */
  close(): Promise<void>;
}

/**
 * Starts `src/main.ts` as production does (to test signals, start-up and the spool it leaves), on
 * the machine's Redis, and resolves once it logs that it listens.
 */
export async function startGatewayProcess(parts: GatewayParts = {}): Promise<GatewayProcess> {
  const { sim, owned } = await simulatorFor(parts.simulator);
  const prefix = parts.prefix ?? testPrefix('proc');
  const env = gatewayEnv({
    upstreamUrl: sim.url,
    apiKey: parts.apiKey ?? 'sim-key',
    usersFile: await usersFileFor(parts),
    prefix,
    store: DEFAULT_STORE,
    env: parts.env ?? {},
  });
  const run = runMain(env);
  const close = async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    if (owned) await sim.close();
    await deleteKeys(prefix, env['REDIS_URL'] ?? REDIS_URL);
  };
  let listening: string;
  try {
    // tsx compiles the gateway on start: slower than a request, far below this bound.
    listening = await run.waitForLine('signals-bff listening', 15_000);
  } catch (error) {
    await close();
    throw new Error(`the gateway did not start (${String(error)}): ${run.stderr()}${run.output()}`);
  }
  const url = (JSON.parse(listening) as { url: string }).url;
  return { ...run, url, sim, prefix, close };
}
