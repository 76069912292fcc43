// `npm run bench`: the built gateway against its ceilings, side by side, in one run; wrk drives the load.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { chooseLoadGenerator } from './load.js';
import type { Bench, Row } from './measure.js';
import { readOptions } from './options.js';
import { HIT_PATH } from './pages.js';
import { deleteKeys, rssMb } from './probes.js';
import { profileGateway } from './profile.js';
import { formatReport, judge, ratios, round, summarise } from './report.js';
import { runScenarios } from './sequence.js';
import { createServers, productionNodeFlags, SIM_API_KEY } from './servers.js';
import { login } from './session.js';
import { writeUsers } from './users.js';

const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));
const say = (line: string) => process.stderr.write(`${line}\n`);
const load1 = () => round(loadavg()[0] ?? 0);

async function main(): Promise<void> {
  const startedAt = Date.now();
  const options = readOptions();
  const workDir = mkdtempSync(join(tmpdir(), 'sbff-bench-'));
  const { generator, warning } = chooseLoadGenerator(workDir, options.forceAutocannon);
  const nodeFlags = productionNodeFlags();
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  // The bench's own prefix: it deletes its keys, and only those, when it ends.
  const keyPrefix = `sbffbench:${randomBytes(4).toString('hex')}:`;
  const servers = createServers(workDir, keyPrefix, nodeFlags);
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await servers.stopAll();
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
      rmSync(workDir, { recursive: true, force: true });
    })());
  process.once('SIGINT', () => {
    say('interrupted: stopping the servers and deleting the bench keys');
    void cleanUp().finally(() => process.exit(130));
  });

  const machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    redis: /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown',
    loadGenerator: generator.name,
    loadAverageAtStart: load1(),
  };
  say(
    `signals-bff bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, Redis ${machine.redis}`,
  );
  say(`load from ${generator.name}; gateway and ceilings run as node ${nodeFlags.join(' ')} (npm start)`);
  if (warning !== undefined) say(`warning: ${warning}`);
  if (machine.loadAverageAtStart > 0.5 * machine.cores)
    say(`warning: load average ${machine.loadAverageAtStart} at start: other work competes for the cores`);

  const bench: Bench = { options, load: generator, redis, warmed: new Set() };
  let measured: { rows: Row[]; problems: string[] };
  let gatewayIdleRssMb: number;
  try {
    const users = await writeUsers(workDir);
    const simulator = await servers.simulator();
    const gatewaySpec = { usersFile: users.file, redisUrl: options.redisUrl, logLevel: options.logLevel };
    if (options.profile !== undefined) {
      const spec = { ...gatewaySpec, upstreamUrl: simulator.url };
      const file = await profileGateway(bench, servers, spec, users.reader, options.profile);
      process.stdout.write(`CPU profile of the ${options.profile.toUpperCase()} load: ${file}\n`);
      return;
    }
    const gateway = await servers.gateway({ ...gatewaySpec, upstreamUrl: simulator.url });
    const rig = {
      simulator,
      gateway,
      ceilingA: await servers.ceilingA(await pageData(simulator.url)),
      ceilingC: await servers.ceilingC(simulator.url),
      cookie: await login(gateway.url, users.reader),
    };
    gatewayIdleRssMb = round(rssMb(gateway.pid), 0);
    measured = await runScenarios(bench, rig, { servers, gatewaySpec, users }, say);
  } finally {
    await cleanUp();
  }

  const { rows, problems } = measured;
  const summary = summarise(rows);
  const found = ratios(rows);
  const targets = judge(summary, rows, found);
  const loadAverageAtEnd = load1();
  const results = {
    date: new Date().toISOString(),
    machine,
    loadAverageAtEnd,
    nodeFlags,
    options: { ...options, only: options.only && [...options.only] },
    gatewayIdleRssMb,
    summary,
    ratios: found,
    targets,
    problems,
    rows,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatReport(summary, found, targets)}\n\n`);
  if (problems.length > 0) say(`problems:\n  ${problems.join('\n  ')}`);
  say(`gateway RSS at rest, after start-up and one login: ${gatewayIdleRssMb} MB`);
  say(`load average: ${machine.loadAverageAtStart} at start, ${loadAverageAtEnd} at the end`);
  say(`written ${RESULTS_FILE} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
}

/** The `data` of the HIT page as the vendor serves it: ceiling A answers with exactly this. */
async function pageData(simulatorUrl: string): Promise<string> {
  const res = await fetch(`${simulatorUrl}${HIT_PATH}`, {
    headers: { authorization: `Bearer ${SIM_API_KEY}` },
  });
  if (res.status !== 200) throw new Error(`simulator answered ${res.status} for ${HIT_PATH}`);
  return JSON.stringify(((await res.json()) as { data: unknown }).data);
}

main().catch((error: unknown) => {
  say(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
