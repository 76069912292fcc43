import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createLines } from './lines.js';

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
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = await spawnRedis([
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...extraArgs,
      ]);
    },
    async stop() {
      const running = child;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
      child = undefined;
    },
  };
  await own.start();
  return own;
}

/**
 * Starts redis-server and resolves once it logs that it accepts connections (it listens by then);
 * rejects with its output when it exits first.
 */
export async function spawnRedis(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createLines();
  child.stdout.on('data', (chunk: Buffer) => out.write(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => out.write(chunk.toString('utf8')));
  child.once('exit', (code) => out.end(`redis-server exited (${String(code)})`));
  try {
    await out.waitFor('Ready to accept connections', 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}: ${out.text()}`);
  }
  return child;
}
