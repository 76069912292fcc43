import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/http/server.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis.js';
import { redisStoreOptions } from '../../src/store/redis-target.js';
import type { Store } from '../../src/store/store.js';
import {
  DEFAULT_STORE,
  gatewayEnv,
  simulatorFor,
  usersFileFor,
  type GatewayParts,
  type StoreTarget,
} from './gateway-env.js';
import { login, type LoggedIn } from './login.js';
import { captureLogs, type CapturedLogs } from './logs.js';
import { deleteKeys, startOwnRedis, testPrefix, type OwnRedis } from './redis.js';

export interface GatewayOptions extends GatewayParts {
  /**
   * The store: the machine's Redis (default), a Redis of the test's own, a sentinel set or a
   * cluster (`{ url }`, `{ sentinels, sentinelMaster }`, `{ clusterNodes }`), 'memory' (the embedded store on the test's clock), or a
   * ready-made Store (a wrapper that fails on cue) used as it is.
   * @default { url: REDIS_URL }
   */
  store?: StoreTarget | Store;
  /** The clock of sessions, cache freshness and the embedded store: tests move it instead of sleeping. */
  clock?: () => number;
  /** The port to listen on, when the test must know it before (a redirect URI). @default a free one */
  port?: number;
  /** Shorter server time limits than production's 10 s / 30 s, to test how they hold. */
  serverLimits?: Pick<ServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs'>;
}

/** A gateway in this process (the app of `createApp(deps)` on a real port), its parts in reach. */
export interface TestGateway {
  url: string;
  deps: Deps;
  config: Config;
  server: RunningServer;
  /** The vendor it calls: the one given, or its own. */
  sim: RunningSimulator;
  prefix: string;
  usersFile: string;
  logs: CapturedLogs;
  /** `login(gw.url, …)`: the Cookie header value and the CSRF token; throws unless 200. */
  login(username: string, password: string): Promise<LoggedIn>;
  /** GET with the session cookie. */
  get(path: string, cookie: string, headers?: Record<string, string>): Promise<Response>;
  /**
   * Another instance on the same Redis prefix, users file, simulator and clock, as a second replica
   * behind the load balancer. Closing it leaves the keys and the simulator to this gateway.
   */
  startSibling(options?: { env?: Record<string, string> }): Promise<TestGateway>;
  close(): Promise<void>;
}

const isStore = (store: GatewayOptions['store']): store is Store =>
  typeof store === 'object' && 'kind' in store;

/**
 * THE way a test starts a gateway: config from the test defaults plus `env`, a users file, a
 * simulator on a port (started for it unless given), the store, and a server on a free port.
 * `close()` undoes all of it: server, deps, its simulator, and the keys under its prefix.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const { sim, owned: ownsSim } = await simulatorFor(options.simulator);
  const usersFile = await usersFileFor(options);
  return startInstance(options, { sim, ownsSim, usersFile, ownsKeys: true });
}

async function startInstance(
  options: GatewayOptions,
  shared: { sim: RunningSimulator; ownsSim: boolean; usersFile: string; ownsKeys: boolean },
): Promise<TestGateway> {
  const { sim, usersFile } = shared;
  const prefix = options.prefix ?? testPrefix('gw');
  const given = options.store ?? DEFAULT_STORE;
  const target: StoreTarget = isStore(given) ? DEFAULT_STORE : given;
  // Keys of a cluster or a sentinel set go with its processes; the embedded store's with this one.
  const keysAt = target === 'memory' || !('url' in target) ? undefined : target.url;
  const config = loadConfig(
    gatewayEnv({
      upstreamUrl: sim.url,
      apiKey: options.apiKey ?? 'sim-key',
      usersFile,
      prefix,
      store: target,
      env: options.env ?? {},
    }),
  );
  const logs = captureLogs();
  const store: Store = isStore(given)
    ? given
    : given === 'memory'
      ? createMemoryStore(options.clock)
      : createRedisStore(redisStoreOptions(config.redis, config.audit));
  const deps = createDeps(config, {
    logger: logs.logger,
    store,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await deps.store.ready(5000);
  const server = await startServer(createApp(deps), {
    port: options.port ?? 0,
    host: '127.0.0.1',
    ...options.serverLimits,
  });
  const url = server.url;

  const gateway: TestGateway = {
    url,
    deps,
    config,
    server,
    sim,
    prefix,
    usersFile,
    logs,
    login: (username, password) => login(url, username, password),
    get: (path, cookie, headers = {}) => fetch(`${url}${path}`, { headers: { cookie, ...headers } }),
    async startSibling(sibling = {}) {
      if (given === 'memory' || isStore(given)) {
        throw new Error('siblings share a store through Redis: start them on a Redis target');
      }
      const { port: _own, ...rest } = options;
      return startInstance(
        { ...rest, prefix, env: { ...options.env, ...sibling.env } },
        { sim, ownsSim: false, usersFile, ownsKeys: false },
      );
    },
    async close() {
      await server.close(1000);
      await deps.close();
      if (shared.ownsSim) await sim.close();
      if (shared.ownsKeys && keysAt !== undefined) await deleteKeys(prefix, keysAt);
    },
  };
  return gateway;
}

/** A gateway on a redis-server of the test's own, to stop and start under it. */
export interface GatewayOnOwnRedis {
  gw: TestGateway;
  redis: OwnRedis;
  /** Closes the gateway (Redis started again first, so its keys can go), then stops Redis. */
  close(): Promise<void>;
}

export async function startGatewayOnOwnRedis(options: GatewayOptions = {}): Promise<GatewayOnOwnRedis> {
  const redis = await startOwnRedis();
  const gw = await startGateway({ ...options, store: { url: redis.url } });
  return {
    gw,
    redis,
    async close() {
      await redis.start().catch(() => undefined);
      await gw.close();
      await redis.stop();
    },
  };
}
