import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './measure.js';
import { HIT_PATH, MISS_PAGES } from './pages.js';
import type { GatewaySpec, Servers } from './servers.js';
import { getPage, login } from './session.js';
import type { BenchUser } from './users.js';

/**
 * `npm run bench -- --profile[=hit|miss]`: the HIT (or MISS) load on a gateway run with
 * `node --cpu-prof`; the profile is written when the gateway exits, for Chrome DevTools or
 * speedscope. Start-up and the warm-up are in it too: they are a small share of the samples.
 */
export async function profileGateway(
  bench: Bench,
  servers: Servers,
  spec: GatewaySpec,
  user: BenchUser,
  which: 'hit' | 'miss',
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sbff-bench-profile-'));
  const gateway = await servers.gateway({ ...spec, extraNodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const cookie = await login(gateway.url, user);
  await getPage(gateway.url, HIT_PATH, cookie);
  const load =
    which === 'hit'
      ? { path: HIT_PATH, headers: { cookie } }
      : { paths: MISS_PAGES, headers: { cookie, 'cache-control': 'no-cache' } };
  const { connections, warmupS, durationS } = bench.options;
  await bench.load.run({ url: gateway.url, connections, durationS: warmupS, ...load });
  const result = await bench.load.run({ url: gateway.url, connections, durationS: 2 * durationS, ...load });
  process.stderr.write(
    `under the profiler: ${Math.round(result.rps)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms\n`,
  );
  await gateway.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`the gateway wrote no .cpuprofile in ${dir}`);
  return join(dir, file);
}
