import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { freePort, spawnRedis } from './redis.js';

/** A real 3-master Redis Cluster of the test's own, on free ports; stopped by pid. */
export interface OwnCluster {
  nodes: string[];
  stop(): Promise<void>;
}

export async function startOwnCluster(): Promise<OwnCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sbff-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = await Promise.all(
    ports.map((port) =>
      spawnRedis([
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '2000',
        '--dir',
        dir,
      ]),
    ),
  );
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  const created = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
    {
      encoding: 'utf8',
    },
  );
  if (created.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  await waitForClusterOk(nodes);
  return {
    nodes,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
      info.includes('cluster_known_nodes:3')
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
