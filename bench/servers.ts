import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
export const SIM_API_KEY = 'sim-key';

/** A server under test: a built process of its own, so its RSS and CPU are its alone. */
export interface Server {
  name: string;
  pid: number;
  url: string;
  /** SIGTERM (the gateway drains), SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

export interface GatewaySpec {
  upstreamUrl: string;
  usersFile: string;
  redisUrl: string;
  logLevel: string;
  /** Environment on top of the bench defaults below (the budgets of the smoothing scenario). */
  env?: Record<string, string>;
  /** Node flags after the production ones (`--cpu-prof`). */
  extraNodeFlags?: string[];
}

/**
 * The node flags `npm start` runs the gateway with, read from package.json so the bench follows
 * when they change (e.g. a young-generation size). NODE_OPTIONS, when set, reaches every server.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const start = pkg.scripts?.start ?? '';
  const flags = /\bnode((?:\s+-\S+)*)\s+dist\/main\.js\b/.exec(start)?.[1];
  if (flags === undefined)
    throw new Error(`package.json "start" is not "node [flags] dist/main.js": ${start}`);
  return flags.split(/\s+/).filter((f) => f !== '');
}

/**
 * Starts the servers of one run. Each gateway gets its own Redis key prefix under `keyPrefix` and
 * its own audit spool under `workDir`, its cwd (so no developer's `.env` is read).
 */
export function createServers(workDir: string, keyPrefix: string, nodeFlags: readonly string[]) {
  const running: Server[] = [];
  let gateways = 0;

  async function start(
    name: string,
    command: { flags: readonly string[]; script: string; args?: (port: number) => string[] },
    env: Record<string, string>,
    readyPath: string,
  ): Promise<Server> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [...command.flags, command.script, ...(command.args?.(port) ?? [])],
      {
        cwd: workDir,
        env: { PATH: process.env['PATH'] ?? '', ...nodeOptions(), ...env, PORT: String(port) },
        // Log lines go to /dev/null: written as in production, read by nobody.
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    const server: Server = {
      name,
      pid: child.pid,
      url: `http://127.0.0.1:${port}`,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
    running.push(server);
    await untilAnswering(server, readyPath, exited);
    return server;
  }

  return {
    /** `dist/simulator/cli.js`; `rateLimit` is the vendor's hard limit (429 beyond it). */
    simulator: (rateLimit?: { rps: number; burst: number }) =>
      start(
        'simulator',
        {
          flags: [],
          script: join(REPO, 'dist/simulator/cli.js'),
          args: (port) => [
            `--port=${port}`,
            `--key=${SIM_API_KEY}`,
            ...(rateLimit ? [`--rps=${rateLimit.rps}`, `--burst=${rateLimit.burst}`] : []),
          ],
        },
        {},
        '/_sim/stats',
      ),

    /** Ceiling A: bare Hono serving `pageData` in the gateway's envelope. */
    ceilingA: (pageData: string) =>
      start(
        'ceiling A',
        { flags: nodeFlags, script: join(BENCH, 'ceiling-a.mjs') },
        { PAGE_DATA: pageData },
        '/',
      ),

    /** Ceiling C: Hono + an undici Pool forwarding to the vendor. */
    ceilingC: (upstreamUrl: string) =>
      start(
        'ceiling C',
        { flags: nodeFlags, script: join(BENCH, 'ceiling-c.mjs') },
        { UPSTREAM_BASE_URL: upstreamUrl, UPSTREAM_API_KEY: SIM_API_KEY },
        '/',
      ),

    /**
     * `node <npm start's flags> dist/main.js`, production defaults except plain-HTTP cookies and
     * per-user and upstream budgets far above the offered load, so limits never decide a figure.
     */
    gateway: (spec: GatewaySpec) => {
      gateways += 1;
      return start(
        `gateway ${gateways}`,
        { flags: [...nodeFlags, ...(spec.extraNodeFlags ?? [])], script: join(REPO, 'dist/main.js') },
        {
          NODE_ENV: 'production',
          LOG_LEVEL: spec.logLevel,
          HOST: '127.0.0.1',
          UPSTREAM_BASE_URL: spec.upstreamUrl,
          UPSTREAM_API_KEY: SIM_API_KEY,
          USERS_FILE: spec.usersFile,
          REDIS_URL: spec.redisUrl,
          REDIS_KEY_PREFIX: `${keyPrefix}gw${gateways}:`,
          AUDIT_SPOOL_DIR: join(workDir, `spool-${gateways}`),
          COOKIE_SECURE: 'false',
          SHUTDOWN_GRACE_MS: '1000',
          USER_RPS: '100000',
          USER_BURST: '100000',
          UPSTREAM_RPS: '100000',
          UPSTREAM_BURST: '100000',
          ...spec.env,
        },
        '/readyz',
      );
    },

    /** Gateways first, so none sees its upstream vanish mid-request. */
    async stopAll(): Promise<void> {
      const isGateway = (s: Server) => s.name.startsWith('gateway');
      await Promise.all(running.filter(isGateway).map((s) => s.stop()));
      await Promise.all(running.filter((s) => !isGateway(s)).map((s) => s.stop()));
    },
  };
}

export type Servers = ReturnType<typeof createServers>;

/** Resolves once `path` answers below 500; rejects when the process exits first or 20 s pass. */
async function untilAnswering(server: Server, path: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 20_000;
  while (!gone && Date.now() < deadline) {
    try {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`${server.name} ${gone ? 'exited during start-up' : `did not answer ${path} within 20 s`}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function nodeOptions(): Record<string, string> {
  const value = process.env['NODE_OPTIONS'];
  return value === undefined ? {} : { NODE_OPTIONS: value };
}
