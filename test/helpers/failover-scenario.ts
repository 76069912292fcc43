import { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import type { TestGateway } from './gateway.js';
import { metricValue } from './metrics.js';
import type { OwnRedis } from './redis.js';
import { cutReplication, replicated } from './replication.js';
import { outageAfter, startTraffic, type TrafficSample } from './traffic.js';

/** The Redis a gateway runs on, as the scenario needs to break it and mend it. */
export interface FailoverTopology {
  gateway: TestGateway;
  /** The master holding the audit stream, and the replica that is to take over from it. */
  master: OwnRedis;
  replica: OwnRedis;
  /** After the master was killed: resolves once the replica was promoted (the topology says so). */
  promoted(): Promise<void>;
  /** Starts the old master again as the new master's replica; resolves once it has synced. */
  rejoin(): Promise<void>;
}

export interface FailoverReport {
  /** From the kill to the first 200 after the last answer that was not one, ms. */
  outageMs: number;
  /** From the kill to the promotion being announced, ms. */
  promotedMs: number;
  answered: number;
}

/** The audited request the scenarios send. */
export const SCANS = '/v1/accounts/grp_a/signals/scans?limit=5';

/**
 * The master dies right after a burst of audited requests whose records it never replicated, the
 * replica is promoted, traffic goes on throughout. With AUDIT_MIN_REPLICAS=1 the gateway must:
 * keep the session made before (it had replicated), answer only 200 or 503 + Retry-After (never
 * 401, never a hang), say 503 on /readyz while it cannot serve, serve again on its own, and end
 * with every answered request's record in the trail exactly once.
 */
export async function runFailoverScenario(topology: FailoverTopology): Promise<FailoverReport> {
  const { gateway: gw, master, replica } = topology;
  const { metrics } = gw.deps;
  const key = gw.deps.keys.auditLog();
  const { cookie } = await gw.login('alice', 'alice-password-1');
  await replicated(master, `${key}:replicated-probe`);

  const confirmed = await auditedBurst(gw, cookie);
  await cutReplication(master);
  const spooledBefore = await metricValue(metrics.auditRecords, { sink: 'spool' });
  const unconfirmed = await auditedBurst(gw, cookie);
  expect(await metricValue(metrics.auditUnconfirmed)).toBeGreaterThan(0);
  expect((await metricValue(metrics.auditRecords, { sink: 'spool' })) - spooledBefore).toBe(
    unconfirmed.length,
  );
  // What the replica holds when it is promoted: none of the second burst, only the spool has it.
  const onReplica = new Set((await streamOn(replica, key)).map((r) => r.traceId));
  expect(confirmed.every((id) => onReplica.has(id))).toBe(true);
  expect(unconfirmed.some((id) => onReplica.has(id))).toBe(false);

  const traffic = startTraffic((signal) => fetch(`${gw.url}${SCANS}`, { headers: { cookie }, signal }));
  const readiness = startTraffic((signal) => fetch(`${gw.url}/readyz`, { signal }), 50);
  await traffic.samples.waitFor((s) => s.status === 200);
  const killedAt = performance.now();
  await master.stop();
  await topology.promoted();
  const promotedAt = performance.now();
  await awaited(
    'a 200 after the promotion',
    traffic.samples.waitFor((s) => s.startedAt > promotedAt && s.status === 200, 15_000),
  );
  await awaited(
    '/readyz 503 after the kill',
    readiness.samples.waitFor((s) => s.startedAt > killedAt && s.status === 503),
  );
  await awaited(
    '/readyz 200 after the promotion',
    readiness.samples.waitFor((s) => s.startedAt > promotedAt && s.status === 200, 15_000),
  );

  // A replica again, so that the spooled records can be confirmed and leave the spool: its
  // delivery retries each second until they are (a pass may come too early for the replica).
  await topology.rejoin();
  await Promise.all([traffic.stop(), readiness.stop()]);
  await gw.logs.waitFor('"left":0,"msg":"audit spool delivered"', 15_000);
  await gw.deps.audit.flush();

  const answers = traffic.samples.items;
  for (const answer of answers.filter((s) => s.status !== 200)) {
    expect(answer, 'only 200, or 503 with Retry-After, while the master is replaced').toMatchObject({
      status: 503,
      retryAfter: '1',
    });
  }
  const served = [...confirmed, ...unconfirmed, ...answers.filter((s) => s.status === 200).map(traceIdOf)];
  const trail = await streamOn(replica, key);
  expect(new Set(trail.map((r) => r.id)).size, 'no record twice').toBe(trail.length);
  const byTrace = new Map<string, number>();
  for (const record of trail) byTrace.set(record.traceId, (byTrace.get(record.traceId) ?? 0) + 1);
  expect(
    served.filter((id) => byTrace.get(id) !== 1),
    'served answers without exactly one record',
  ).toEqual([]);
  expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  return {
    outageMs: Math.round(outageAfter(answers, killedAt)),
    promotedMs: Math.round(promotedAt - killedAt),
    answered: answers.length,
  };
}

/** Names what did not come, with the answers so far, when a wait runs out. */
export async function awaited<T>(what: string, event: Promise<T>): Promise<T> {
  try {
    return await event;
  } catch (error) {
    throw new Error(`${what}: ${String(error)}`);
  }
}

/** 20 scans requests at once, each answered 200: their trace ids. */
async function auditedBurst(gw: TestGateway, cookie: string): Promise<string[]> {
  const answers = await Promise.all(Array.from({ length: 20 }, () => gw.get(SCANS, cookie)));
  expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
  return answers.map((r) => r.headers.get('x-trace-id') ?? '');
}

function traceIdOf(sample: TrafficSample): string {
  return sample.traceId ?? '';
}

/** The audit stream as one node holds it (a replica too: READONLY lets a Cluster replica answer). */
export async function streamOn(node: OwnRedis, key: string): Promise<AuditRecord[]> {
  const redis = new Redis(node.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.call('READONLY').catch(() => undefined);
    const rows = await redis.xrange(key, '-', '+');
    return rows.map(([, fields]) => JSON.parse(fields[1] ?? 'null') as AuditRecord);
  } finally {
    redis.disconnect();
  }
}
