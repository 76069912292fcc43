import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './load.js';
import { distinctPages, HIT_PATH, MISS_LIMITS } from './pages.js';
import { formatProfileSummary, summariseCpuProfile } from './cpuprofile.js';
import { getPage, login } from './session.js';
import type { BenchSettings } from './settings.js';
import { startSuite } from './suite.js';

/**
 * `npm run bench -- --profile[=hit|miss[:connections]]`: the HIT (or MISS) load on a gateway
 * started with `node --cpu-prof`, then where its CPU went. The profile is kept for Chrome DevTools
 * or speedscope.
 */
export async function runProfile(
  settings: BenchSettings,
  which: 'hit' | 'miss',
  report: (line: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sbff-bench-profile-'));
  const suite = await startSuite(settings);
  // Start-up (module loading, connecting) and the warm-up are left out: the profile is of the load.
  let skipMs = 0;
  try {
    const spawnedAt = Date.now();
    const gateway = await suite.startGateway(suite.simulator.url, {}, ['--cpu-prof', '--cpu-prof-dir', dir]);
    const cookie = await login(gateway.url, suite.users.reader);
    await getPage(gateway.url, HIT_PATH, cookie);
    const durationS = 2 * settings.durationS;
    report(
      `profiling the ${which.toUpperCase()} path for ${durationS} s (${settings.connections} connections)`,
    );
    const load = {
      url: gateway.url,
      connections: settings.connections,
      ...(which === 'hit'
        ? { path: HIT_PATH, headers: { cookie } }
        : { path: distinctPages(MISS_LIMITS), headers: { cookie, 'cache-control': 'no-cache' } }),
    };
    await runLoad({ ...load, durationS: settings.warmupS });
    skipMs = Date.now() - spawnedAt;
    const result = await runLoad({ ...load, durationS });
    report(
      `under the profiler: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`,
    );
    await gateway.child.stop();
  } finally {
    await suite.close();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile was written in ${dir}`);
  const text = formatProfileSummary(summariseCpuProfile(join(dir, file), { skipMs }));
  writeFileSync(join(dir, `${which}-summary.txt`), `${text}\n`);
  process.stdout.write(`${text}\n\nprofile: ${join(dir, file)}\n`);
}
