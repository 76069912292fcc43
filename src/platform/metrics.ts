import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric the gateway exports, created once per app on its own registry (so two apps in one
 * test process do not share counters).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const ms = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
  return {
    registry,
    httpRequests: new Counter({
      name: 'sbff_http_requests_total',
      help: 'Requests answered, by route and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'sbff_http_request_duration_ms',
      help: 'Time to answer a request, ms',
      labelNames: ['route'] as const,
      buckets: ms,
      registers: [registry],
    }),
    cacheResults: new Counter({
      name: 'sbff_cache_results_total',
      help: 'Scan page cache results (HIT, MISS, STALE, BYPASS)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    upstreamCalls: new Counter({
      name: 'sbff_upstream_calls_total',
      help: 'Calls to the vendor API by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'sbff_upstream_duration_ms',
      help: 'Vendor API call latency, ms',
      buckets: ms,
      registers: [registry],
    }),
    rateWait: new Histogram({
      name: 'sbff_rate_wait_ms',
      help: 'Time a request waited for an upstream slot, ms',
      buckets: [0, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000],
      registers: [registry],
    }),
    rateRejections: new Counter({
      name: 'sbff_rate_rejections_total',
      help: 'Requests answered 429 RATE_LIMITED, by limit (upstream, user)',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    upstreamPauses: new Counter({
      name: 'sbff_upstream_pauses_total',
      help: 'Pauses of the shared upstream budget after a vendor 429',
      registers: [registry],
    }),
    requestsShed: new Counter({
      name: 'sbff_requests_shed_total',
      help: 'Requests refused with 503 before any work because the process was overloaded',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    circuitState: new Gauge({
      name: 'sbff_circuit_state',
      help: 'Upstream circuit breaker: 0 closed, 1 half-open, 2 open',
      registers: [registry],
    }),
    auditSpoolDepth: new Gauge({
      name: 'sbff_audit_spool_records',
      help: 'Audit records waiting in the local spool for Redis',
      registers: [registry],
    }),
    auditDeliveryLag: new Gauge({
      name: 'sbff_audit_delivery_lag_seconds',
      help: 'Age of the oldest audit record still in the spool, s',
      registers: [registry],
    }),
    auditRecords: new Counter({
      name: 'sbff_audit_records_total',
      help: 'Audit records made durable, by where (stream, spool)',
      labelNames: ['sink'] as const,
      registers: [registry],
    }),
    auditUnconfirmed: new Counter({
      name: 'sbff_audit_unconfirmed_total',
      help: 'Audit group commits fewer than AUDIT_MIN_REPLICAS replicas confirmed in time (their records spooled as well)',
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'sbff_store_errors_total',
      help: 'Store (Redis) operations that failed or timed out, by subsystem',
      labelNames: ['subsystem'] as const,
      registers: [registry],
    }),
    sessionMemory: new Gauge({
      name: 'sbff_session_memory',
      help: 'Sessions answered from memory: 1 while subscribed to session ends, 0 while every read goes to the store',
      registers: [registry],
    }),
    logins: new Counter({
      name: 'sbff_logins_total',
      help: 'Login attempts by result (success, failure, throttled)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
