import { measureThroughput, type Bench, type Row } from '../measure.js';
import { HIT_PATH, MISS_PAGES } from '../pages.js';
import { SIM_API_KEY, type Server } from '../servers.js';
import { getPage } from '../session.js';

/** The processes the closed-loop scenarios load, and the reader's session on the gateway. */
export interface ThroughputRig {
  simulator: Server;
  ceilingA: Server;
  ceilingC: Server;
  gateway: Server;
  cookie: string;
}

/** A: the Node ceiling — the HIT page from a bare Hono handler. */
export function ceilingA(bench: Bench, rig: ThroughputRig, round: number): Promise<Row> {
  const { pid, url } = rig.ceilingA;
  return measureThroughput(bench, 'A', round, { pid, redis: false }, { url, path: HIT_PATH });
}

/** B: the upstream alone — the simulator called directly over the MISS scenario's pages. */
export function ceilingB(bench: Bench, rig: ThroughputRig, round: number): Promise<Row> {
  const { pid, url } = rig.simulator;
  return measureThroughput(
    bench,
    'B',
    round,
    { pid, redis: false },
    { url, paths: MISS_PAGES, headers: { authorization: `Bearer ${SIM_API_KEY}` } },
  );
}

/** C: a naive BFF — a plain proxy to the simulator over the MISS scenario's pages. */
export function ceilingC(bench: Bench, rig: ThroughputRig, round: number): Promise<Row> {
  const { pid, url } = rig.ceilingC;
  return measureThroughput(bench, 'C', round, { pid, redis: false }, { url, paths: MISS_PAGES });
}

/** HIT: a real session, the page already cached, audit on. */
export async function gatewayHit(bench: Bench, rig: ThroughputRig, round: number): Promise<Row> {
  const { pid, url } = rig.gateway;
  await getPage(url, HIT_PATH, rig.cookie);
  const row = await measureThroughput(
    bench,
    'HIT',
    round,
    { pid, redis: true },
    { url, path: HIT_PATH, headers: { cookie: rig.cookie } },
  );
  // The figures are of the path they claim to be.
  return { ...row, notes: `X-Cache after: ${await getPage(url, HIT_PATH, rig.cookie)}` };
}

/** MISS: distinct pages with `Cache-Control: no-cache`, so every request goes to the vendor. */
export async function gatewayMiss(bench: Bench, rig: ThroughputRig, round: number): Promise<Row> {
  const { pid, url } = rig.gateway;
  const headers = { cookie: rig.cookie, 'cache-control': 'no-cache' };
  const row = await measureThroughput(
    bench,
    'MISS',
    round,
    { pid, redis: true },
    { url, paths: MISS_PAGES, headers },
  );
  return { ...row, notes: `X-Cache: ${await getPage(url, MISS_PAGES[0] ?? HIT_PATH, rig.cookie, headers)}` };
}
