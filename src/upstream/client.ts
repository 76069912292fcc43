// PLACEHOLDER (upstream helper replaces): plain undici call, no retry, breaker or schema check.
import { Pool } from 'undici';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { UpstreamClient } from './types.js';

export interface UpstreamClientOptions {
  baseUrl: string;
  apiKey: string;
  apiKeyHeader: string;
  timeoutMs: number;
  circuitFailures: number;
  circuitOpenMs: number;
  logger: Logger;
  metrics: Metrics;
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const pool = new Pool(options.baseUrl);
  let apiKey = options.apiKey;
  return {
    async listScans(query) {
      const started = Date.now();
      const params = new URLSearchParams();
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.status !== undefined) params.set('status', query.status);
      const res = await pool.request({
        method: 'GET',
        path: `/v1/accounts/${encodeURIComponent(query.accountGroupId)}/signals/scans?${params.toString()}`,
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const body = (await res.body.json()) as { data: { items: unknown[] }; traceId?: string };
      return {
        ok: true,
        page: {
          dataJson: JSON.stringify(body.data),
          itemCount: body.data.items.length,
          upstreamTraceId: body.traceId,
        },
        durationMs: Date.now() - started,
      };
    },
    setApiKey(key) {
      apiKey = key;
    },
    circuitState: () => 'closed',
    close: () => pool.close(),
  };
}
