import { setTimeout as sleep } from 'node:timers/promises';

import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type { Context } from 'hono';

import { errorAnswer, toResponse } from './envelope.js';
import { answerFault } from './fault-answers.js';
import type { FaultContext } from './fault-answers.js';
import { parseFaults } from './fault-switch.js';
import { ACCOUNT_GROUP_ID } from '../platform/account-group-id.js';
import { listScans } from './list-scans.js';
import { createSimulatorState } from './state.js';
import type { SimulatorState } from './state.js';
import type { SimulatorCall, SimulatorFaults, SimulatorOptions } from './simulator-options.js';

/** Under `app.request()` there is no Node request, hence Partial. */
export interface SimulatorEnv {
  Bindings: Partial<HttpBindings>;
}
type SimContext = Context<SimulatorEnv>;

export const SCANS_ROUTE = '/v1/accounts/:accountGroupId/signals/scans';

function faultContext(
  c: SimContext,
  state: SimulatorState,
  group: string,
  headers: Record<string, string>,
): FaultContext {
  // Faults that show real data use the requested group when it is a plausible id.
  const dataGroup = ACCOUNT_GROUP_ID.test(group) ? group : 'sample';
  return {
    gone: AbortSignal.any([c.req.raw.signal, state.closing]),
    socket: c.env?.incoming?.socket,
    presentedKey: state.keyCheck.presentedKey(headers),
    keyHeader: state.keyHeader,
    rawKeyHeader: headers[state.keyHeader.toLowerCase()] ?? '',
    firstPageBody: () => listScans(state, dataGroup, {}).body,
    sampleItems: () => state.catalog.list(dataGroup, undefined).items.slice(0, 20),
  };
}

/** The honest path: hard limit, then key, then the query, then one page. */
function answerScans(
  state: SimulatorState,
  group: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): Response {
  const token = state.bucket?.take();
  if (token !== undefined && !token.ok) {
    const retryAfter = { 'retry-after': String(token.retryAfterS) };
    const answer = errorAnswer(
      429,
      'RATE_LIMITED',
      'Rate limit exceeded',
      `retry after ${token.retryAfterS} s`,
      retryAfter,
    );
    return toResponse(answer);
  }
  return toResponse(state.keyCheck.authorize(headers, group) ?? listScans(state, group, query));
}

async function scansHandler(c: SimContext, state: SimulatorState): Promise<Response> {
  const group = c.req.param('accountGroupId') ?? '';
  const query = c.req.query();
  const headers = c.req.header();
  const call: SimulatorCall = { at: Date.now(), accountGroupId: group, query, headers, status: 0 };
  state.recordCall(call);

  const faults = state.faults.take();
  if (faults === undefined) {
    const response = answerScans(state, group, query, headers);
    call.status = response.status;
    return response;
  }
  const ctx = faultContext(c, state, group, headers);
  if (faults.latencyMs !== undefined && faults.latencyMs > 0) {
    try {
      await sleep(faults.latencyMs, undefined, { signal: ctx.gone });
    } catch {
      // The client left or the simulator is closing: nobody is there to answer.
      return RESPONSE_ALREADY_SENT;
    }
  }
  if (faults.mode === undefined || faults.mode === 'none') {
    const response = answerScans(state, group, query, headers);
    call.status = response.status;
    return response;
  }
  const outcome = await answerFault(faults, ctx);
  call.status = outcome.status;
  return outcome.response;
}

/**
 * The control surface exists only in the simulator (the real vendor has nothing like it): it lets the
 * standalone process, the demo and the benchmarks switch faults and read counters over HTTP.
 */
function mountControl(app: Hono<SimulatorEnv>, state: SimulatorState): void {
  app.put('/_sim/faults', async (c) => {
    let faults: SimulatorFaults;
    try {
      faults = parseFaults(await c.req.json());
    } catch (error) {
      return c.json({ error: error instanceof Error ? error.message : 'invalid faults' }, 400);
    }
    state.faults.set(faults);
    return c.json({ faults });
  });
  app.get('/_sim/stats', (c) => c.json({ calls: state.callCount() }));
  app.post('/_sim/reset', (c) => {
    state.reset();
    return c.json({ ok: true });
  });
}

/**
 * The vendor's `GET /v1/accounts/{accountGroupId}/signals/scans`, honest by default, with fault switches.
 * Pass a `state` to share it with a server (startSimulator does).
 */
export function createSimulatorApp(
  options: SimulatorOptions = {},
  state: SimulatorState = createSimulatorState(options),
): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>();
  app.get(SCANS_ROUTE, (c) => scansHandler(c, state));
  mountControl(app, state);
  app.notFound((c) =>
    toResponse(errorAnswer(404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`, c.req.path)),
  );
  app.onError((error) => {
    console.error('simulator: unexpected error:', error instanceof Error ? error.message : error);
    return toResponse(
      errorAnswer(500, 'INTERNAL_ERROR', 'Internal server error', 'unexpected simulator error'),
    );
  });
  return app;
}
