import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { createLogger } from '../../src/platform/logger.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, REDIS_URL, testPrefix } from './redis.js';

/** Cheap scrypt for tests (the cost is read from each hash); production uses N=2^17. */
export const TEST_HASH_PARAMS = { logN: 10, r: 8, p: 1 };

export interface TestUser {
  id: string;
  username: string;
  password: string;
  accountGroups: string[];
  roles?: string[];
}

export const DEFAULT_USERS: TestUser[] = [
  { id: 'u_alice', username: 'alice', password: 'alice-password-1', accountGroups: ['grp_a', 'grp_b'] },
  { id: 'u_bob', username: 'bob', password: 'bob-password-1', accountGroups: ['grp_b'] },
  {
    id: 'u_audrey',
    username: 'audrey',
    password: 'audrey-password-1',
    accountGroups: [],
    roles: ['auditor'],
  },
];

export async function writeUsersFile(users: TestUser[], path?: string): Promise<string> {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'sbff-users-')), 'users.json');
  const entries = await Promise.all(
    users.map(async (u) => ({
      id: u.id,
      username: u.username,
      passwordHash: await hashPassword(u.password, TEST_HASH_PARAMS),
      accountGroups: u.accountGroups,
      roles: u.roles ?? [],
    })),
  );
  writeFileSync(file, JSON.stringify({ users: entries }, null, 2));
  return file;
}

/** Captures every log line, to search for secrets and records. */
export function captureLogs(level = process.env['TEST_LOG_LEVEL'] ?? 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return {
    lines,
    logger: createLogger(level, stream),
    text: () => lines.join('\n'),
  };
}

export interface GatewayOptions {
  upstreamUrl: string;
  apiKey?: string;
  /** Environment on top of the test defaults. */
  env?: Record<string, string>;
  users?: TestUser[];
  usersFile?: string;
  /** 'redis' (default: the machine's Redis under a fresh prefix) or 'memory', or a store to share. */
  store?: 'redis' | 'memory' | Store;
  redisUrl?: string;
  prefix?: string;
  clock?: () => number;
}

export interface TestGateway {
  url: string;
  deps: Deps;
  config: Config;
  server: RunningServer;
  prefix: string;
  usersFile: string;
  logs: ReturnType<typeof captureLogs>;
  /** Logs in; returns the Cookie header value and the CSRF token. */
  login(username: string, password: string): Promise<{ cookie: string; csrfToken: string }>;
  /** GET with the session cookie. */
  get(path: string, cookie: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<TestGateway> {
  const prefix = options.prefix ?? testPrefix('gw');
  const usersFile = options.usersFile ?? (await writeUsersFile(options.users ?? DEFAULT_USERS));
  const spoolDir = mkdtempSync(join(tmpdir(), 'sbff-spool-'));
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const config = loadConfig({
    UPSTREAM_BASE_URL: options.upstreamUrl,
    UPSTREAM_API_KEY: options.apiKey ?? 'sim-key',
    USERS_FILE: usersFile,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    COOKIE_SECURE: 'false',
    PORT: '0',
    AUDIT_SPOOL_DIR: spoolDir,
    UPSTREAM_TIMEOUT_MS: '2000',
    USER_RPS: '1000',
    USER_BURST: '1000',
    UPSTREAM_RPS: '1000',
    UPSTREAM_BURST: '1000',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs = captureLogs();
  const store =
    options.store === 'memory'
      ? createMemoryStore(options.clock)
      : typeof options.store === 'object'
        ? options.store
        : createRedisStore({ url: config.redis.url ?? redisUrl, clusterNodes: config.redis.clusterNodes });
  const deps = createDeps(config, {
    logger: logs.logger,
    store,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await deps.store.ready(5000);
  const server = await startServer(createApp(deps), { port: 0, host: '127.0.0.1' });
  const url = server.url;

  return {
    url,
    deps,
    config,
    server,
    prefix,
    usersFile,
    logs,
    async login(username, password) {
      const res = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { data: { csrfToken: string } };
      const setCookie = res.headers.get('set-cookie') ?? '';
      return { cookie: setCookie.split(';')[0] ?? '', csrfToken: body.data.csrfToken };
    },
    get(path, cookie, headers = {}) {
      return fetch(`${url}${path}`, { headers: { cookie, ...headers } });
    },
    async close() {
      await server.close(1000);
      await deps.close();
      if (options.store === undefined || options.store === 'redis') await deleteKeys(prefix, redisUrl);
    },
  };
}
