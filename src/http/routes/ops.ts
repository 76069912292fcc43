import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import { socketAddress } from '../middleware/trace.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Liveness, readiness and metrics: no session, no audit. */
export function opsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => ok(c, { status: 'ok' }));

  app.get('/readyz', async (c) => {
    const checks = {
      store: await storeReachable(deps),
      users: deps.users.loaded,
      draining: deps.lifecycle.draining,
    };
    if (!checks.store || !checks.users || checks.draining) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'Not ready.', { details: checks, retryAfterS: 1 });
    }
    return ok(c, { status: 'ready', ...checks });
  });

  // Metrics reveal traffic shape, so they are not public: a bearer METRICS_TOKEN when set,
  // otherwise only direct loopback callers that did not come through a proxy.
  app.get('/metrics', async (c) => {
    const token = deps.config.metricsToken;
    const allowed =
      token !== undefined
        ? c.req.header('authorization') === `Bearer ${token}`
        : LOOPBACK.test(socketAddress(c)) &&
          c.req.header('x-forwarded-for') === undefined &&
          c.req.header('forwarded') === undefined;
    if (!allowed) throw new ApiError('FORBIDDEN', 'Metrics need METRICS_TOKEN or a loopback caller.');
    deps.metrics.circuitState.set({ closed: 0, half_open: 1, open: 2 }[deps.upstream.circuitState()]);
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });

  return app;
}

async function storeReachable(deps: Deps): Promise<boolean> {
  try {
    await deps.store.ping();
    return true;
  } catch {
    return false;
  }
}
