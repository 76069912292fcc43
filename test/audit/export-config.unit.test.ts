import { describe, expect, it } from 'vitest';
import { loadExportConfig } from '../../src/audit/export-config.js';

describe('loadExportConfig', () => {
  it('needs only the Redis variables', () => {
    expect(loadExportConfig({ REDIS_URL: 'redis://10.0.0.1:6379' })).toEqual({
      redis: {
        url: 'redis://10.0.0.1:6379',
        clusterNodes: [],
        sentinels: [],
        sentinelMaster: undefined,
        keyPrefix: 'sbff:',
      },
    });
    expect(loadExportConfig({ REDIS_CLUSTER_NODES: 'a:7000, b:7001', REDIS_KEY_PREFIX: 'x:' }).redis).toEqual(
      {
        url: undefined,
        clusterNodes: ['a:7000', 'b:7001'],
        sentinels: [],
        sentinelMaster: undefined,
        keyPrefix: 'x:',
      },
    );
  });

  it('names every problem', () => {
    expect(() => loadExportConfig({})).toThrow(/REDIS_URL: is required/);
    expect(() => loadExportConfig({ REDIS_URL: 'http://x', REDIS_KEY_PREFIX: '{bad}' })).toThrow(
      /REDIS_URL: must be a redis:\/\/[\s\S]*REDIS_KEY_PREFIX: may hold only/,
    );
  });
});
