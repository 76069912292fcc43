import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodIssues, problemLines } from './platform/zod-issues.js';

/**
 * The one reader of process.env. Every variable the gateway knows is listed in CONFIG_VARIABLES
 * (and in .env.example with its default); a bad value stops start-up with one line per problem.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const num = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );

const httpUrl = z
  .string({ message: 'is required' })
  .trim()
  .min(1, 'is required')
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }));

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** https, or http to this machine only (a provider in a test or the demo). */
const providerUrl = optionalString.pipe(
  z.union([
    z.undefined(),
    z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).refine((v) => {
      const url = new URL(v);
      return url.protocol === 'https:' || LOOPBACK_HOST.test(url.hostname);
    }, 'must be https (http only to localhost)'),
  ]),
);

/** One or more comma-separated keys, each 32 random bytes in base64; the first encrypts. */
const ENCRYPTION_KEYS = /^\s*[A-Za-z0-9+/_-]{43}=?\s*(,\s*[A-Za-z0-9+/_-]{43}=?\s*)*$/;

const hostPorts = list.pipe(
  z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be comma-separated host:port pairs')),
);

/** Shared with `audit:export`, which needs nothing else. */
const redisEnv = {
  REDIS_URL: optionalString.pipe(
    z.union([
      z.undefined(),
      z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' }),
    ]),
  ),
  REDIS_CLUSTER_NODES: hostPorts,
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_MASTER: optionalString.pipe(
    z.union([z.undefined(), z.string().regex(/^[^\s]{1,128}$/, 'must be a master name without spaces')]),
  ),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'may hold only letters, digits and : _ . - (no braces)')
    .default('sbff:'),
};

const REDIS_TARGETS = 'REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES';

interface RedisTargetEnv {
  REDIS_URL: string | undefined;
  REDIS_CLUSTER_NODES: string[];
  REDIS_SENTINELS: string[];
  REDIS_SENTINEL_MASTER: string | undefined;
}

/** One Redis target at most; a sentinel set needs its master's name, and only it has one. */
function checkRedisTarget(env: RedisTargetEnv, ctx: z.RefinementCtx): void {
  const set = [
    env.REDIS_URL === undefined ? undefined : 'REDIS_URL',
    env.REDIS_SENTINELS.length === 0 ? undefined : 'REDIS_SENTINELS',
    env.REDIS_CLUSTER_NODES.length === 0 ? undefined : 'REDIS_CLUSTER_NODES',
  ].filter((name) => name !== undefined);
  for (const name of set.slice(1)) {
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: `set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES (${set[0] ?? ''} is set too)`,
    });
  }
  if (env.REDIS_SENTINELS.length > 0 && env.REDIS_SENTINEL_MASTER === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_SENTINEL_MASTER'],
      message: 'is required with REDIS_SENTINELS: the name the sentinels monitor the master by',
    });
  }
  if (env.REDIS_SENTINELS.length === 0 && env.REDIS_SENTINEL_MASTER !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_MASTER'], message: 'needs REDIS_SENTINELS' });
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.string().default('production'),
    PORT: int(8080, 0, 65535),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    UPSTREAM_BASE_URL: httpUrl,
    UPSTREAM_API_KEY: optionalString,
    UPSTREAM_API_KEY_FILE: optionalString,
    UPSTREAM_API_KEY_HEADER: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name')
      .default('Authorization'),
    UPSTREAM_TIMEOUT_MS: int(5000, 100, 120_000),
    CIRCUIT_FAILURES: int(5, 1, 1000),
    CIRCUIT_OPEN_MS: int(10_000, 100, 600_000),
    USERS_FILE: optionalString,
    OIDC_ISSUER: providerUrl,
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_CLIENT_SECRET_FILE: optionalString,
    OIDC_REDIRECT_URI: providerUrl,
    OIDC_SCOPES: z
      .string()
      .default('openid profile email')
      .transform((v) => v.split(/\s+/).filter((s) => s !== ''))
      .refine((scopes) => scopes.includes('openid'), 'must include openid'),
    OIDC_POST_LOGOUT_REDIRECT_URI: providerUrl,
    OIDC_GROUPS_CLAIM: z.string().trim().min(1).max(256).default('groups'),
    OIDC_GROUP_MAP_FILE: optionalString,
    SESSION_ENCRYPTION_KEY: optionalString.refine(
      (v) => v === undefined || ENCRYPTION_KEYS.test(v),
      'must be 32 random bytes in base64 (openssl rand -base64 32), or several, comma-separated',
    ),
    SESSION_ENCRYPTION_KEY_FILE: optionalString,
    ...redisEnv,
    INSTANCES: int(1, 1, 10_000),
    COOKIE_SECURE: bool(true),
    COOKIE_SAMESITE: z.enum(['Strict', 'Lax'], { message: 'must be Strict or Lax' }).default('Strict'),
    CORS_ORIGINS: list.pipe(
      z.array(z.url({ message: 'must be comma-separated origins like https://app.example' })),
    ),
    TRUST_PROXY: z
      .string()
      .default('false')
      .refine((v) => /^(true|false|\d{1,2})$/.test(v), 'must be false, true, or a number of proxy hops')
      .transform((v) => (v === 'false' ? 0 : v === 'true' ? 1 : Number(v))),
    SESSION_IDLE_S: int(1800, 10, 7 * 86_400),
    SESSION_ABSOLUTE_S: int(28_800, 10, 30 * 86_400),
    // Capped at 5 s: the longest an ended session may still be answered should its end message
    // be lost without the subscription noticing.
    SESSION_CACHE_MS: int(5000, 0, 5000),
    LOGIN_MAX_FAILURES: int(100, 1, 100_000),
    LOGIN_MAX_CONCURRENT_HASHES: int(2, 1, 64),
    CACHE_TTL_S: int(30, 0, 86_400),
    CACHE_STALE_S: int(300, 0, 7 * 86_400),
    UPSTREAM_RPS: num(10, 0.01, 100_000),
    UPSTREAM_BURST: int(10, 1, 100_000),
    RATE_MAX_WAIT_MS: int(2000, 0, 60_000),
    USER_RPS: num(5, 0.01, 100_000),
    USER_BURST: int(20, 1, 100_000),
    MAX_PAGE_LIMIT: int(100, 1, 10_000),
    AUDIT_SPOOL_DIR: z.string().trim().min(1).default('./var/audit-spool'),
    AUDIT_SPOOL_MAX_BYTES: int(256 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
    AUDIT_MAX_RECORDS: int(1_000_000, 100, Number.MAX_SAFE_INTEGER),
    AUDIT_MIN_REPLICAS: int(0, 0, 100),
    AUDIT_REPLICA_TIMEOUT_MS: int(200, 1, 10_000),
    METRICS_TOKEN: optionalString,
    DOCS_ENABLED: bool(false),
    UI_ENABLED: bool(false),
    SHUTDOWN_GRACE_MS: int(20_000, 0, 600_000),
    // 0 turns a bound off.
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: int(500, 0, 60_000),
    OVERLOAD_MAX_IN_FLIGHT: int(0, 0, 1_000_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SESSION_ABSOLUTE_S < env.SESSION_IDLE_S) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_ABSOLUTE_S'],
        message: 'must be at least SESSION_IDLE_S',
      });
    }
    checkRedisTarget(env, ctx);
    const embedded = usesEmbeddedStore(redisConfig(env));
    if (embedded && env.INSTANCES > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['INSTANCES'],
        message: `the embedded store serves one instance only: set ${REDIS_TARGETS} to run more`,
      });
    }
    if (embedded && env.AUDIT_MIN_REPLICAS > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_MIN_REPLICAS'],
        message: `the embedded store has no replicas: set ${REDIS_TARGETS}, or leave it 0`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Every variable the gateway reads; docker-compose and .env.example are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  port: number;
  host: string;
  upstream: {
    baseUrl: string;
    apiKey: string | undefined;
    apiKeyFile: string | undefined;
    apiKeyHeader: string;
    timeoutMs: number;
    circuitFailures: number;
    circuitOpenMs: number;
  };
  /** USERS_FILE: password login is on when set. */
  usersFile: string | undefined;
  /** Single sign-on, on when OIDC_ISSUER is set. */
  oidc: OidcConfig | undefined;
  redis: {
    url: string | undefined;
    clusterNodes: string[];
    sentinels: string[];
    sentinelMaster: string | undefined;
    keyPrefix: string;
  };
  instances: number;
  cookie: { secure: boolean; sameSite: 'Strict' | 'Lax' };
  corsOrigins: string[];
  trustProxyHops: number;
  session: { idleS: number; absoluteS: number; cacheMs: number };
  login: { maxFailuresPerHour: number; maxConcurrentHashes: number };
  cache: { ttlS: number; staleS: number };
  rate: { upstreamRps: number; upstreamBurst: number; maxWaitMs: number; userRps: number; userBurst: number };
  maxPageLimit: number;
  audit: {
    spoolDir: string;
    spoolMaxBytes: number;
    maxRecords: number;
    /** Replicas that must confirm each group commit (WAIT) before its records are trusted. */
    minReplicas: number;
    replicaTimeoutMs: number;
  };
  metricsToken: string | undefined;
  /** DOCS_ENABLED: Swagger UI at /docs (the document at /openapi.json is always served). */
  docsEnabled: boolean;
  /** UI_ENABLED: the example app at /. */
  uiEnabled: boolean;
  shutdownGraceMs: number;
  /** Bounds past which new requests are shed with 503; undefined = no such bound. */
  overload: { maxEventLoopDelayMs: number | undefined; maxInFlight: number | undefined };
  logLevel: Env['LOG_LEVEL'];
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  clientSecretFile: string | undefined;
  redirectUri: string;
  scopes: string[];
  postLogoutRedirectUri: string | undefined;
  groupsClaim: string;
  groupMapFile: string;
  encryptionKey: string | undefined;
  encryptionKeyFile: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; throws ConfigError listing every problem, one line each. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : problemLines(describeZodIssues(parsed.error, 'environment', 'variable'));
  // Checked apart from the schema so it is reported alongside every other problem.
  if ((env['UPSTREAM_API_KEY'] ?? '').trim() === '' && (env['UPSTREAM_API_KEY_FILE'] ?? '').trim() === '') {
    problems.push('UPSTREAM_API_KEY: is required (or UPSTREAM_API_KEY_FILE)');
  }
  problems.push(...loginProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    upstream: {
      baseUrl: e.UPSTREAM_BASE_URL.replace(/\/+$/, ''),
      apiKey: e.UPSTREAM_API_KEY,
      apiKeyFile: e.UPSTREAM_API_KEY_FILE,
      apiKeyHeader: e.UPSTREAM_API_KEY_HEADER,
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      circuitFailures: e.CIRCUIT_FAILURES,
      circuitOpenMs: e.CIRCUIT_OPEN_MS,
    },
    usersFile: e.USERS_FILE,
    oidc: oidcConfig(e),
    redis: redisConfig(e),
    instances: e.INSTANCES,
    cookie: { secure: e.COOKIE_SECURE, sameSite: e.COOKIE_SAMESITE },
    corsOrigins: e.CORS_ORIGINS.map((o) => new URL(o).origin),
    trustProxyHops: e.TRUST_PROXY,
    session: { idleS: e.SESSION_IDLE_S, absoluteS: e.SESSION_ABSOLUTE_S, cacheMs: e.SESSION_CACHE_MS },
    login: { maxFailuresPerHour: e.LOGIN_MAX_FAILURES, maxConcurrentHashes: e.LOGIN_MAX_CONCURRENT_HASHES },
    cache: { ttlS: e.CACHE_TTL_S, staleS: e.CACHE_STALE_S },
    rate: {
      upstreamRps: e.UPSTREAM_RPS,
      upstreamBurst: e.UPSTREAM_BURST,
      maxWaitMs: e.RATE_MAX_WAIT_MS,
      userRps: e.USER_RPS,
      userBurst: e.USER_BURST,
    },
    maxPageLimit: e.MAX_PAGE_LIMIT,
    audit: {
      spoolDir: e.AUDIT_SPOOL_DIR,
      spoolMaxBytes: e.AUDIT_SPOOL_MAX_BYTES,
      maxRecords: e.AUDIT_MAX_RECORDS,
      minReplicas: e.AUDIT_MIN_REPLICAS,
      replicaTimeoutMs: e.AUDIT_REPLICA_TIMEOUT_MS,
    },
    metricsToken: e.METRICS_TOKEN,
    docsEnabled: e.DOCS_ENABLED,
    uiEnabled: e.UI_ENABLED,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    overload: {
      maxEventLoopDelayMs: e.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS || undefined,
      maxInFlight: e.OVERLOAD_MAX_IN_FLIGHT || undefined,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** At least one way to log in, and all that single sign-on needs when it is on. */
function loginProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!set('OIDC_ISSUER')) {
    return set('USERS_FILE')
      ? []
      : ['USERS_FILE: is required unless OIDC_ISSUER is set (at least one way to log in)'];
  }
  const problems: string[] = [];
  const needs = (name: string, alternative?: string) => {
    if (set(name) || (alternative !== undefined && set(alternative))) return;
    problems.push(
      `${name}: is required when OIDC_ISSUER is set${alternative === undefined ? '' : ` (or ${alternative})`}`,
    );
  };
  needs('OIDC_CLIENT_ID');
  needs('OIDC_CLIENT_SECRET', 'OIDC_CLIENT_SECRET_FILE');
  needs('OIDC_REDIRECT_URI');
  needs('OIDC_GROUP_MAP_FILE');
  needs('SESSION_ENCRYPTION_KEY', 'SESSION_ENCRYPTION_KEY_FILE');
  return problems;
}

function oidcConfig(e: Env): OidcConfig | undefined {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_REDIRECT_URI: redirectUri } = e;
  const groupMapFile = e.OIDC_GROUP_MAP_FILE;
  // The schema has required these when the issuer is set.
  if (issuer === undefined || clientId === undefined || redirectUri === undefined) return undefined;
  if (groupMapFile === undefined) return undefined;
  return {
    issuer,
    clientId,
    clientSecret: e.OIDC_CLIENT_SECRET,
    clientSecretFile: e.OIDC_CLIENT_SECRET_FILE,
    redirectUri,
    scopes: e.OIDC_SCOPES,
    postLogoutRedirectUri: e.OIDC_POST_LOGOUT_REDIRECT_URI,
    groupsClaim: e.OIDC_GROUPS_CLAIM,
    groupMapFile,
    encryptionKey: e.SESSION_ENCRYPTION_KEY,
    encryptionKeyFile: e.SESSION_ENCRYPTION_KEY_FILE,
  };
}

/** Only the Redis variables (for tools such as `audit:export`); throws ConfigError like loadConfig. */
export function loadRedisConfig(env: Record<string, string | undefined>): Config['redis'] {
  const parsed = z.object(redisEnv).superRefine(checkRedisTarget).safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(problemLines(describeZodIssues(parsed.error, 'environment', 'variable')));
  }
  return redisConfig(parsed.data);
}

function redisConfig(e: RedisTargetEnv & { REDIS_KEY_PREFIX: string }): Config['redis'] {
  return {
    url: e.REDIS_URL,
    clusterNodes: e.REDIS_CLUSTER_NODES,
    sentinels: e.REDIS_SENTINELS,
    sentinelMaster: e.REDIS_SENTINEL_MASTER,
    keyPrefix: e.REDIS_KEY_PREFIX,
  };
}

/** True when no Redis is named: the embedded store (one instance, no replicas). */
export function usesEmbeddedStore(redis: Config['redis']): boolean {
  return redis.url === undefined && redis.clusterNodes.length === 0 && redis.sentinels.length === 0;
}

/** Reads the API key: the file wins when set, so SIGHUP can rotate it. Empty counts as missing. */
export function readApiKey(config: Pick<Config, 'upstream'>): string {
  return secretOf(config.upstream.apiKey, config.upstream.apiKeyFile, 'UPSTREAM_API_KEY');
}

/** A value that may come from a file instead; the file wins, so SIGHUP can rotate it. */
function secretOf(value: string | undefined, file: string | undefined, name: string): string {
  if (file !== undefined) {
    const read = readFileSync(file, 'utf8').trim();
    if (read === '') throw new ConfigError([`${name}_FILE: ${file} is empty`]);
    return read;
  }
  if (value === undefined) throw new ConfigError([`${name}: is required (or ${name}_FILE)`]);
  return value;
}

export function readOidcClientSecret(oidc: OidcConfig): string {
  return secretOf(oidc.clientSecret, oidc.clientSecretFile, 'OIDC_CLIENT_SECRET');
}

/**
 * The keys that encrypt provider tokens at rest: the first encrypts, every one decrypts (rotation:
 * put the new key first, keep the old one behind it until the sessions it encrypted have ended).
 */
export function readEncryptionKeys(oidc: OidcConfig): Buffer[] {
  const text = secretOf(oidc.encryptionKey, oidc.encryptionKeyFile, 'SESSION_ENCRYPTION_KEY');
  if (!ENCRYPTION_KEYS.test(text)) {
    throw new ConfigError([
      'SESSION_ENCRYPTION_KEY: must be 32 random bytes in base64 (openssl rand -base64 32), or several, comma-separated',
    ]);
  }
  return text.split(',').map((k) => Buffer.from(k.trim(), 'base64'));
}
