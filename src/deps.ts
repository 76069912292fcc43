import { createAuditTrail } from './audit/durable-trail.js';
import type { AuditTrail } from './audit/audit-trail.js';
import { createLoginThrottle } from './auth/login-throttle.js';
import { createPasswordHasher } from './auth/password.js';
import { createSessionService } from './auth/sessions.js';
import type { LoginThrottle, PasswordHasher, SessionService, UserDirectory } from './auth/identity.js';
import { createSso, type Sso } from './auth/sso.js';
import { emptyUserDirectory, loadUserDirectory } from './auth/user-directory.js';
import { createBackgroundTasks, type BackgroundTasks } from './platform/background-tasks.js';
import { createScanPages } from './cache/scan-pages.js';
import { readApiKey, usesEmbeddedStore, type Config } from './config.js';
import { watchEventLoopDelay, type EventLoopDelay } from './platform/event-loop-delay.js';
import { createLogThrottle } from './platform/log-throttle.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { createUpstreamBudget } from './ratelimit/upstream-budget.js';
import { createUserLimiter } from './ratelimit/user-limiter.js';
import type { UserLimiter } from './ratelimit/limit-results.js';
import { createListScans, type ListScans } from './scans/list-scans.js';
import { createKeys, type Keys } from './store/keys.js';
import { createMemoryStore } from './store/memory.js';
import { createRedisStore } from './store/redis.js';
import { redisStoreOptions } from './store/redis-target.js';
import type { Store } from './store/store.js';
import { createUpstreamClient } from './upstream/client.js';
import type { UpstreamClient } from './upstream/vendor-call.js';

/** Everything the app is built from. Tests build it with real Redis and the simulator on a port. */
export interface Deps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
  store: Store;
  keys: Keys;
  tracker: BackgroundTasks;
  users: UserDirectory;
  passwords: PasswordHasher;
  sessions: SessionService;
  /** Single sign-on, when OIDC_ISSUER is set. */
  sso: Sso | undefined;
  loginThrottle: LoginThrottle;
  upstream: UpstreamClient;
  userLimiter: UserLimiter;
  /** The scans list use case: access → per-user limit → cache → shared budget → vendor. */
  listScans: ListScans;
  audit: AuditTrail;
  /** How late the event loop runs: overload shedding reads it. */
  eventLoop: EventLoopDelay;
  /** Set on SIGTERM: /readyz answers 503 so load balancers stop sending traffic. */
  lifecycle: { draining: boolean };
  /** Re-reads the users file, the group map and the key files (SIGHUP). */
  reload(): void;
  close(): Promise<void>;
}

export interface DepsOverrides {
  logger?: Logger;
  store?: Store;
  clock?: () => number;
}

export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const clock = overrides.clock ?? Date.now;
  const store = overrides.store ?? createStore(config, logger, metrics);
  const keys = createKeys(config.redis.keyPrefix);
  const tracker = createBackgroundTasks(logger);
  const users = config.usersFile === undefined ? emptyUserDirectory() : loadUserDirectory(config.usersFile);
  const passwords = createPasswordHasher({ maxConcurrent: config.login.maxConcurrentHashes, users });
  const sessions = createSessionService({ store, keys, clock, tracker, ...config.session });
  sessions.onMemorySwitch((on) => {
    metrics.sessionMemory.set(on ? 1 : 0);
    if (on) logger.info('subscribed to session ends: sessions answered from memory');
    else logger.warn('session-end subscription lost: every session read goes to the store until it is back');
  });
  const sso =
    config.oidc === undefined ? undefined : createSso(config.oidc, { store, keys, sessions, logger });
  const loginThrottle = createLoginThrottle({
    store,
    keys,
    maxFailuresPerHour: config.login.maxFailuresPerHour,
  });
  const upstream = createUpstreamClient({ ...config.upstream, apiKey: readApiKey(config), logger, metrics });
  const budget = createUpstreamBudget({
    store,
    keys,
    ...config.rate,
    instances: config.instances,
    logger,
    metrics,
  });
  const userLimiter = createUserLimiter({
    store,
    keys,
    rps: config.rate.userRps,
    burst: config.rate.userBurst,
    clock,
  });
  const pages = createScanPages({
    store,
    keys,
    ...config.cache,
    tracker,
    logger,
    metrics,
    clock,
    // A fill may wait twice for a budget slot and call twice (a retry after a vendor 429).
    lockTtlMs: 2 * (config.upstream.timeoutMs + config.rate.maxWaitMs) + 1000,
  });
  const listScans = createListScans({
    pages,
    userLimiter,
    budget,
    upstream,
    metrics,
    maxWaitMs: config.rate.maxWaitMs,
  });
  const audit = createAuditTrail({ store, keys, ...config.audit, logger, metrics, tracker, clock });
  const lifecycle = { draining: false };
  const eventLoop = watchEventLoopDelay();

  return {
    config,
    logger,
    metrics,
    clock,
    store,
    keys,
    tracker,
    users,
    passwords,
    sessions,
    sso,
    loginThrottle,
    upstream,
    userLimiter,
    listScans,
    audit,
    lifecycle,
    eventLoop,
    reload() {
      if (config.usersFile !== undefined) {
        const result = users.reload();
        if (result.ok) logger.info({ users: result.count }, 'users file reloaded');
        else logger.error({ problems: result.problems }, 'users file rejected; keeping the previous users');
      }
      sso?.reload();
      if (config.upstream.apiKeyFile !== undefined) {
        try {
          upstream.setApiKey(readApiKey(config));
          logger.info('upstream API key reloaded');
        } catch (error) {
          logger.error({ err: error }, 'API key file rejected; keeping the previous key');
        }
      }
    },
    async close() {
      eventLoop.stop();
      await tracker.drain(config.shutdownGraceMs);
      await audit.close();
      await upstream.close();
      sso?.close();
      await sessions.close();
      await store.close();
    },
  };
}

function createStore(config: Config, logger: Logger, metrics: Metrics): Store {
  if (usesEmbeddedStore(config.redis)) {
    logger.warn('REDIS_URL is unset: using the embedded in-memory store, for one instance only');
    return createMemoryStore();
  }
  const mayLog = createLogThrottle();
  return createRedisStore({
    ...redisStoreOptions(config.redis, config.audit),
    onError(error) {
      metrics.storeErrors.inc({ subsystem: 'connection' });
      if (mayLog()) {
        logger.warn({ err: error.message }, 'redis connection problem');
      }
    },
  });
}
