import { runLoad, type LoadOptions } from '../load.js';
import type { Measurement } from '../measurement.js';
import { HIT_PATH } from '../pages.js';
import { sampleRss } from '../rss.js';
import { getPage, login } from '../session.js';
import type { Suite } from '../suite.js';
import { sessionCookie } from './gateway.js';

/** As many logins in flight as the gateway hashes at once by default (LOGIN_MAX_CONCURRENT_HASHES). */
export const LOGIN_CONNECTIONS = 4;

/**
 * Logins per second at the production scrypt cost, and what they do to the HIT path: both loads
 * run together against the same gateway.
 */
export async function loginUnderLoad(suite: Suite): Promise<[Measurement, Measurement]> {
  const { settings, gateway, users } = suite;
  const cookie = sessionCookie(suite);
  await login(gateway.url, users.production);
  await getPage(gateway.url, HIT_PATH, cookie);
  const logins: Omit<LoadOptions, 'durationS'> = {
    url: gateway.url,
    connections: LOGIN_CONNECTIONS,
    method: 'POST',
    path: '/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(users.production),
  };
  const hits: Omit<LoadOptions, 'durationS'> = {
    url: gateway.url,
    connections: settings.connections,
    path: HIT_PATH,
    headers: { cookie },
  };
  const both = (durationS: number) =>
    Promise.all([runLoad({ ...logins, durationS }), runLoad({ ...hits, durationS })]);

  await both(settings.warmupS);
  const rss = sampleRss(gateway.child.pid);
  const [loginResult, hitResult] = await both(settings.durationS);
  const rssMb = await rss.stop();
  const row = (scenario: 'login' | 'hitDuringLogin', r: typeof loginResult): Measurement => ({
    scenario,
    rps: r.rps,
    p50: r.p50,
    p99: r.p99,
    rssMb,
    notOk: r.notOk,
    errors: r.errors,
  });
  return [row('login', loginResult), row('hitDuringLogin', hitResult)];
}
