import { Hono } from 'hono';
import type { Metrics } from '../../platform/metrics.js';
import { CIRCUIT_GAUGE, type CircuitState } from '../../upstream/circuit-breaker.js';
import { socketAddress } from '../client-address.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../request-context.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export interface OpsRoutesOptions {
  /** Rejects when the store is unreachable. */
  pingStore: () => Promise<void>;
  /** Set on SIGTERM: readiness says 503 so load balancers stop sending traffic. */
  lifecycle: { readonly draining: boolean };
  metrics: Metrics;
  circuitState: () => CircuitState;
  /** METRICS_TOKEN: a bearer token for /metrics; without it, only direct loopback callers. */
  metricsToken: string | undefined;
}

/** Liveness, readiness and metrics: no session, no audit. */
export function opsRoutes(options: OpsRoutesOptions) {
  const { metrics } = options;
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => ok(c, { status: 'ok' }));

  // The users file needs no check here: a bad one stops start-up, and a bad reload keeps the last.
  app.get('/readyz', async (c) => {
    const checks = { store: await reachable(options.pingStore), draining: options.lifecycle.draining };
    if (!checks.store || checks.draining) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'Not ready.', { details: checks, retryAfterS: 1 });
    }
    return ok(c, { status: 'ready', ...checks });
  });

  // Metrics reveal traffic shape, so they are not public: a bearer METRICS_TOKEN when set,
  // otherwise only direct loopback callers that did not come through a proxy.
  app.get('/metrics', async (c) => {
    const token = options.metricsToken;
    const allowed =
      token !== undefined
        ? c.req.header('authorization') === `Bearer ${token}`
        : LOOPBACK.test(socketAddress(c)) &&
          c.req.header('x-forwarded-for') === undefined &&
          c.req.header('forwarded') === undefined;
    if (!allowed) throw new ApiError('FORBIDDEN', 'Metrics need METRICS_TOKEN or a loopback caller.');
    // The breaker turns half-open by time, not by an event: read it now.
    metrics.circuitState.set(CIRCUIT_GAUGE[options.circuitState()]);
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });

  return app;
}

async function reachable(ping: () => Promise<void>): Promise<boolean> {
  try {
    await ping();
    return true;
  } catch {
    return false;
  }
}
