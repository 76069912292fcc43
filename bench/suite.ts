import { startChild, type Child } from './child-process.js';
import { HIT_PATH, ITEMS_PER_GROUP } from './pages.js';
import type {
  CeilingAMethods,
  CeilingCMethods,
  GatewayMethods,
  SimulatorMethods,
} from './processes/methods.js';
import { benchPrefix, deleteKeys } from './redis-keys.js';
import { rssMb } from './rss.js';
import type { Methods } from './rpc.js';
import { login } from './session.js';
import type { BenchSettings } from './settings.js';
import { transpileForChildren } from './transpile.js';
import { writeBenchUsers, type BenchUsers } from './users.js';

/** A child process serving HTTP, and where. */
export interface Server<M extends Methods> {
  child: Child<M>;
  url: string;
}

/** The long-lived processes of a run and what the scenarios need to talk to them. */
export interface Suite {
  settings: BenchSettings;
  users: BenchUsers;
  simulator: Server<SimulatorMethods>;
  ceilingA: Server<CeilingAMethods>;
  ceilingC: Server<CeilingCMethods>;
  gateway: Server<GatewayMethods>;
  /** The session cookie of `users.reader` on `gateway`; undefined when login does not work yet. */
  cookie: string | undefined;
  /** RSS of the main gateway after start-up and one login, before any load. */
  gatewayIdleRssMb: number;
  /** Why gateway scenarios cannot run, when they cannot. */
  gatewayProblem: string | undefined;
  /** Starts a gateway of its own (own prefix, deleted on close) in front of `upstreamUrl`. */
  startGateway(
    upstreamUrl: string,
    env: Record<string, string>,
    nodeArgs?: string[],
  ): Promise<Server<GatewayMethods>>;
  startSimulator(options: SimulatorMethods['start']['params']): Promise<Server<SimulatorMethods>>;
  close(): Promise<void>;
}

export const SIM_API_KEY = 'sim-key';

export async function startSuite(settings: BenchSettings): Promise<Suite> {
  const users = await writeBenchUsers();
  const transpiled = settings.childRuntime === 'js' ? transpileForChildren() : undefined;
  // Simulators stop last, so nothing in front of them sees its upstream vanish mid-request.
  const children: Pick<Child<SimulatorMethods>, 'stop' | 'name'>[] = [];
  const prefixes: string[] = [];
  const childOptions = { showStdout: settings.childLogs, jsDir: transpiled?.dir };

  const startSimulator = async (options: SimulatorMethods['start']['params']) => {
    const child = startChild<SimulatorMethods>('simulator', childOptions);
    children.push(child);
    return { child, url: (await child.call('start', options)).url };
  };
  const startGateway = async (upstreamUrl: string, env: Record<string, string>, nodeArgs?: string[]) => {
    const child = startChild<GatewayMethods>('gateway', {
      ...childOptions,
      ...(nodeArgs ? { nodeArgs } : {}),
    });
    children.push(child);
    const prefix = benchPrefix('gw');
    prefixes.push(prefix);
    const params = { upstreamUrl, usersFile: users.file, redisUrl: settings.redisUrl, prefix };
    const { url } = await child.call('start', {
      ...params,
      env: { LOG_LEVEL: settings.gatewayLogLevel, ...env },
    });
    return { child, url };
  };
  const close = async () => {
    await Promise.all(children.filter((c) => c.name !== 'simulator').map((c) => c.stop()));
    await Promise.all(children.filter((c) => c.name === 'simulator').map((c) => c.stop()));
    // The gateways delete their keys on stop; this catches one that died first.
    await Promise.all(prefixes.map((p) => deleteKeys(p, settings.redisUrl)));
    transpiled?.remove();
    users.remove();
  };

  try {
    const simulator = await startSimulator({
      rateLimit: null,
      itemsPerGroup: ITEMS_PER_GROUP,
      maxRecordedCalls: 5000,
    });
    const ceilingAChild = startChild<CeilingAMethods>('ceiling-a', childOptions);
    const ceilingCChild = startChild<CeilingCMethods>('ceiling-c', childOptions);
    children.push(ceilingAChild, ceilingCChild);
    const pageJson = await fetchPageData(simulator.url);
    const ceilingA = { child: ceilingAChild, url: (await ceilingAChild.call('start', { pageJson })).url };
    const ceilingC = {
      child: ceilingCChild,
      url: (await ceilingCChild.call('start', { upstreamUrl: simulator.url, apiKey: SIM_API_KEY })).url,
    };
    const gateway = await startGateway(simulator.url, {});
    let cookie: string | undefined;
    let gatewayProblem: string | undefined;
    try {
      cookie = await login(gateway.url, users.reader);
    } catch (error) {
      gatewayProblem = error instanceof Error ? error.message : String(error);
    }
    const gatewayIdleRssMb = Math.round(await rssMb(gateway.child.pid));
    return {
      settings,
      gatewayIdleRssMb,
      users,
      simulator,
      ceilingA,
      ceilingC,
      gateway,
      cookie,
      gatewayProblem,
      startGateway,
      startSimulator,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The `data` of the HIT page as the vendor serves it: ceiling A answers with exactly this. */
async function fetchPageData(simulatorUrl: string): Promise<string> {
  const res = await fetch(`${simulatorUrl}${HIT_PATH}`, {
    headers: { authorization: `Bearer ${SIM_API_KEY}` },
  });
  if (res.status !== 200) throw new Error(`simulator answered ${res.status} for ${HIT_PATH}`);
  const body = (await res.json()) as { data: unknown };
  return JSON.stringify(body.data);
}
