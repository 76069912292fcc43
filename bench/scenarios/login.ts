import type { LoadSpec } from '../load.js';
import type { Bench, Row } from '../measure.js';
import { HIT_PATH } from '../pages.js';
import { sampleRss } from '../probes.js';
import { getPage } from '../session.js';
import type { BenchUser } from '../users.js';
import type { ThroughputRig } from './throughput.js';

/** As many logins in flight as the gateway hashes at once by default (LOGIN_MAX_CONCURRENT_HASHES 2), and a queue. */
const LOGIN_CONNECTIONS = 4;

/**
 * Logins per second at the production scrypt cost, and what they do to the HIT path: both loads
 * at once on the same gateway. Each hash holds 128 MiB while it runs, so this RSS is reported on
 * its own and not judged against the load target.
 */
export async function loginUnderLoad(bench: Bench, rig: ThroughputRig, user: BenchUser): Promise<Row[]> {
  const { url, pid } = rig.gateway;
  await getPage(url, HIT_PATH, rig.cookie);
  const logins: Omit<LoadSpec, 'durationS'> = {
    url,
    path: '/auth/login',
    connections: LOGIN_CONNECTIONS,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  };
  const hits: Omit<LoadSpec, 'durationS'> = {
    url,
    path: HIT_PATH,
    connections: bench.options.connections,
    headers: { cookie: rig.cookie },
  };
  const both = (durationS: number) =>
    Promise.all([bench.load.run({ ...logins, durationS }), bench.load.run({ ...hits, durationS })]);

  await both(bench.options.warmupS);
  const rss = sampleRss(pid);
  const [login, hit] = await both(bench.options.durationS);
  const peakRssMb = rss.stop();
  const row = (scenario: 'login' | 'hitDuringLogin', r: typeof login, notes: string): Row => ({
    scenario,
    round: 0,
    rps: r.rps,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    peakRssMb,
    cpuUsPerRequest: null,
    redisUsPerRequest: null,
    notOk: r.errorStatuses + r.socketErrors,
    notes,
  });
  return [row('login', login, 'req/s = logins/s'), row('hitDuringLogin', hit, '')];
}
