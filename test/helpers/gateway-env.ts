import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSimulator,
  type RunningSimulator,
  type StartSimulatorOptions,
} from '../../src/simulator/simulator.js';
import { REDIS_URL } from './redis.js';
import { DEFAULT_USERS, writeUsersFile, type TestUser } from './users.js';

/**
 * Where a gateway keeps its state: a Redis (the machine's, one of the test's own, a master found
 * through its sentinels, a cluster) or memory.
 */
export type StoreTarget =
  { url: string } | { sentinels: string[]; sentinelMaster: string } | { clusterNodes: string[] } | 'memory';

/** The machine's Redis, where a test gateway keeps its state unless told otherwise. */
export const DEFAULT_STORE: StoreTarget = { url: REDIS_URL };

/** What both kinds of test gateway (in process and the real process) are built from. */
export interface GatewayParts {
  /**
   * The vendor: a running simulator to share, or the options of one started for this gateway and
   * closed with it. @default a simulator of its own that accepts `sim-key`
   */
  simulator?: RunningSimulator | StartSimulatorOptions;
  /** The key the gateway sends the vendor. @default 'sim-key' */
  apiKey?: string;
  /** Variables on top of the test defaults of gatewayEnv(); these win. */
  env?: Record<string, string>;
  /** @default DEFAULT_USERS */
  users?: TestUser[];
  /** A users file to use as it is, instead of writing one for `users`. */
  usersFile?: string;
  /** @default a fresh testPrefix, its keys deleted on close */
  prefix?: string;
}

/** The simulator a gateway calls, and whether the gateway started it (and so closes it). */
export async function simulatorFor(
  given: GatewayParts['simulator'],
): Promise<{ sim: RunningSimulator; owned: boolean }> {
  if (given !== undefined && 'callCount' in given) return { sim: given, owned: false };
  return { sim: await startSimulator(given ?? {}), owned: true };
}

export function usersFileFor(parts: GatewayParts): Promise<string> {
  return parts.usersFile !== undefined
    ? Promise.resolve(parts.usersFile)
    : writeUsersFile(parts.users ?? DEFAULT_USERS);
}

/**
 * The environment every test gateway starts from: cookies without Secure (plain HTTP), limits far
 * above what a test sends unless it sets its own, a spool directory of its own, a short upstream
 * timeout, and the store target. `env` comes last and wins.
 */
export function gatewayEnv(options: {
  upstreamUrl: string;
  apiKey: string;
  usersFile: string;
  prefix: string;
  store: StoreTarget;
  env: Record<string, string>;
}): Record<string, string> {
  const target = options.store;
  const store =
    target === 'memory'
      ? {}
      : 'url' in target
        ? { REDIS_URL: target.url }
        : 'sentinels' in target
          ? { REDIS_SENTINELS: target.sentinels.join(','), REDIS_SENTINEL_MASTER: target.sentinelMaster }
          : { REDIS_CLUSTER_NODES: target.clusterNodes.join(',') };
  return {
    UPSTREAM_BASE_URL: options.upstreamUrl,
    UPSTREAM_API_KEY: options.apiKey,
    USERS_FILE: options.usersFile,
    ...store,
    REDIS_KEY_PREFIX: options.prefix,
    COOKIE_SECURE: 'false',
    PORT: '0',
    AUDIT_SPOOL_DIR: mkdtempSync(join(tmpdir(), 'sbff-spool-')),
    UPSTREAM_TIMEOUT_MS: '2000',
    USER_RPS: '1000',
    USER_BURST: '1000',
    UPSTREAM_RPS: '1000',
    UPSTREAM_BURST: '1000',
    LOG_LEVEL: 'info',
    // The test process is the gateway's and busy with other work (transforms, hashing, servers):
    // its event-loop delay says nothing about the gateway's load. test/ops/overload turns it on.
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
  };
}
