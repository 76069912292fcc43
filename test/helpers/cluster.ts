import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { REPLICA_SYNCED, REPLICATED_REDIS_ARGS, startOwnRedis, type OwnRedis } from './redis.js';

/** A real 3-master Redis Cluster of the test's own, on free ports; stopped by pid. */
export interface OwnCluster {
  /** Every node, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  /** The master serving `key`'s slot now, and its replica (with `replicas: 1`). */
  shardOf(key: string): Promise<{ master: OwnRedis; replica: OwnRedis | undefined }>;
  stop(): Promise<void>;
}

export interface OwnClusterOptions {
  /** Replicas per master: with one, a master's death is a failover, not an outage. @default 0 */
  replicas?: 0 | 1;
  /** cluster-node-timeout: how long a silent node takes to be failed. @default 2000 */
  nodeTimeoutMs?: number;
}

export async function startOwnCluster(options: OwnClusterOptions = {}): Promise<OwnCluster> {
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'sbff-cluster-'));
  const own: OwnRedis[] = await Promise.all(
    Array.from({ length: 3 * (1 + replicas) }, (_, i) =>
      startOwnRedis([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${i}.conf`),
        '--cluster-node-timeout',
        String(options.nodeTimeoutMs ?? 2000),
        ...REPLICATED_REDIS_ARGS,
      ]),
    ),
  );
  const nodes = own.map((node) => node.address);
  const stop = async () => {
    await Promise.all(own.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    }
    await waitForClusterOk(nodes);
    // A replica that has not synced yet could not take over: wait until each says it has.
    const layout = await clusterNodes(own);
    await Promise.all(
      layout
        .filter((n) => n.masterId !== undefined)
        .map((n) => n.node.output.waitFor(REPLICA_SYNCED, 10_000)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    async shardOf(key) {
      const layout = await clusterNodes(own);
      const slot = await askAnyNode(own, (redis) => redis.call('CLUSTER', 'KEYSLOT', key));
      const master = layout.find(
        (n) =>
          n.masterId === undefined &&
          n.slots.some(([from, to]) => from <= Number(slot) && Number(slot) <= to),
      );
      if (master === undefined) throw new Error(`no master serves slot ${String(slot)}`);
      const replica = layout.find((n) => n.masterId === master.id);
      return { master: master.node, replica: replica?.node };
    },
    stop,
  };
}

interface ClusterNode {
  id: string;
  node: OwnRedis;
  /** The master's id, for a replica. */
  masterId: string | undefined;
  slots: [number, number][];
}

/** CLUSTER NODES as one live node sees it, for the nodes that are not failed. */
async function clusterNodes(own: readonly OwnRedis[]): Promise<ClusterNode[]> {
  const text = String(await askAnyNode(own, (redis) => redis.call('CLUSTER', 'NODES')));
  const out: ClusterNode[] = [];
  for (const line of text.trim().split('\n')) {
    const [id = '', address = '', flags = '', master = '-', , , , , ...slots] = line.split(' ');
    const node = own.find((n) => address.startsWith(`${n.address}@`));
    if (node === undefined || flags.includes('fail')) continue;
    out.push({
      id,
      node,
      masterId: flags.includes('slave') ? master : undefined,
      slots: slots
        .filter((s) => !s.startsWith('['))
        .map((s) => {
          const [from = '0', to = from] = s.split('-');
          return [Number(from), Number(to)];
        }),
    });
  }
  return out;
}

/** The answer of the first node that answers (a killed node does not). */
async function askAnyNode<T>(own: readonly OwnRedis[], ask: (redis: Redis) => Promise<T>): Promise<T> {
  let last: unknown;
  for (const node of own) {
    const redis = new Redis(node.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await redis.connect();
      return await ask(redis);
    } catch (error) {
      last = error;
    } finally {
      redis.disconnect();
    }
  }
  throw new Error(`no cluster node answered: ${String(last)}`);
}

async function waitForClusterOk(nodes: string[]): Promise<void> {
  // Every node must know the whole slot map before a client reads it, or the client's first
  // map has holes. Nodes announce no such moment, so this asks them, within a bound.
  const deadline = Date.now() + 15_000;
  const ok = (node: string) => {
    const info = spawnSync('redis-cli', ['-p', node.split(':')[1] ?? '', 'cluster', 'info'], {
      encoding: 'utf8',
    }).stdout;
    return (
      info.includes('cluster_state:ok') &&
      info.includes('cluster_slots_ok:16384') &&
      info.includes(`cluster_known_nodes:${nodes.length}`)
    );
  };
  while (!nodes.every(ok)) {
    if (Date.now() > deadline) throw new Error('the test cluster did not become ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })));
  try {
    await Promise.all(['{a}', '{b}', '{c}', '{d}', '{e}'].map((k) => client.set(`probe${k}`, '1')));
  } finally {
    client.disconnect();
  }
}
