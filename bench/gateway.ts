import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';
import { startServer } from '../src/http/server.js';
import { deleteKeys } from './redis-keys.js';

export interface BenchGatewayOptions {
  upstreamUrl: string;
  usersFile: string;
  redisUrl: string;
  /** This gateway's own Redis key prefix; every key under it is deleted on close. */
  prefix: string;
  /** Environment on top of the bench defaults below. */
  env?: Record<string, string>;
}

export interface BenchGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * The real gateway, built as tests and `npm start` build it (config → deps → app → server),
 * with production defaults except: plain HTTP cookies, a throw-away audit spool, and per-user and
 * upstream budgets far above the offered load so that limits never decide a throughput number.
 * Scenarios that measure the limits override them through `env`.
 */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'sbff-bench-spool-'));
  const config = loadConfig({
    UPSTREAM_BASE_URL: options.upstreamUrl,
    UPSTREAM_API_KEY: 'sim-key',
    USERS_FILE: options.usersFile,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    COOKIE_SECURE: 'false',
    AUDIT_SPOOL_DIR: spoolDir,
    USER_RPS: '100000',
    USER_BURST: '100000',
    UPSTREAM_RPS: '100000',
    UPSTREAM_BURST: '100000',
    ...options.env,
  });
  const deps = createDeps(config);
  if (!(await deps.store.ready(5000))) throw new Error(`Redis at ${options.redisUrl} is not reachable`);
  const server = await startServer(createApp(deps), { port: 0, host: '127.0.0.1' });
  return {
    url: server.url,
    async close() {
      await server.close(1000);
      await deps.close();
      await deleteKeys(options.prefix, options.redisUrl);
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}
