import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLines, type Lines } from './lines.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix of the test's own, so tests share the machine's Redis without touching others' keys. */
export function testPrefix(name = 't'): string {
  return `sbfftest:${name}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (and only those). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own on a free port, to kill and restart; stopped by its pid. */
export interface OwnRedis {
  port: number;
  url: string;
  /** `127.0.0.1:<port>`, as REDIS_CLUSTER_NODES and sentinels name it. */
  address: string;
  /** The log of the process running now (a new one at each start), to await a line of. */
  readonly output: Lines;
  /** SIGKILL, as a crash: nothing is flushed, nothing is handed over. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with `args` instead of the extra arguments it had. */
  start(args?: string[]): Promise<void>;
  /** SIGSTOP: it keeps its connections open and answers nothing, as a node that hangs. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

/** Settings every own redis-server runs with: loopback only, no persistence unless told. */
const OWN_REDIS_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

/** For a master and its replicas: a replica that (re)syncs is served at once, not after 5 s. */
export const REPLICATED_REDIS_ARGS = ['--repl-diskless-sync-delay', '0'];

/** A replica's log line once it holds its master's data: after a full or a partial sync. */
export const REPLICA_SYNCED =
  /MASTER <-> REPLICA sync: (Finished with success|Master accepted a Partial Resynchronization)/;

export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  // Its own directory: a replica's sync writes dump.rdb there, and a server loads one it finds.
  const dir = mkdtempSync(join(tmpdir(), 'sbff-redis-'));
  let running: RedisProcess | undefined;
  let extra = extraArgs;
  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    get output() {
      if (running === undefined) throw new Error(`redis-server on ${port} is not running`);
      return running.output;
    },
    async start(args) {
      extra = args ?? extra;
      running = await spawnRedis(['--port', String(port), '--dir', dir, ...OWN_REDIS_ARGS, ...extra]);
    },
    pause: () => running?.child.kill('SIGSTOP'),
    resume: () => running?.child.kill('SIGCONT'),
    async stop() {
      const child = running?.child;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await own.start();
  return own;
}

export interface RedisProcess {
  child: ChildProcess;
  output: Lines;
}

/**
 * Starts redis-server (or `program`, e.g. redis-sentinel) and resolves once it logs `readyLine`
 * (a server accepts connections by then); rejects with its output when it exits first.
 */
export async function spawnRedis(
  args: string[],
  { program = 'redis-server', readyLine = 'Ready to accept connections' } = {},
): Promise<RedisProcess> {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = createLines();
  child.stdout.on('data', (chunk: Buffer) => output.write(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.write(chunk.toString('utf8')));
  child.once('exit', (code) => output.end(`${program} exited (${String(code)})`));
  // Not installed: say so (.ci/run installs redis-server and redis-sentinel from Debian).
  child.once('error', (error) => output.end(`${program} could not be started: ${error.message}`));
  try {
    await output.waitFor(readyLine, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}: ${output.text()}`);
  }
  return { child, output };
}

/** SIGKILLs each process still running, and resolves once all have exited. */
export async function killAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
