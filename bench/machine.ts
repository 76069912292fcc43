import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { Redis } from 'ioredis';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  redis: string;
  date: string;
  /** 1-minute load average when the run started: above ~0.5 per core, something else competes. */
  loadAverageAtStart: number;
}

/** What the numbers were measured on: they only compare with runs on the same machine. */
export async function describeMachine(redisUrl: string): Promise<MachineInfo> {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    redis: await redisVersion(redisUrl),
    date: new Date().toISOString(),
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

async function redisVersion(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}
