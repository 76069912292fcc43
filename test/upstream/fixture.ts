import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createMetrics } from '../../src/platform/metrics.js';
import { createUpstreamClient } from '../../src/upstream/client.js';
import type { UpstreamClientOptions } from '../../src/upstream/client.js';
import type { UpstreamClient } from '../../src/upstream/vendor-call.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { captureLogs, type CapturedLogs } from '../helpers/logs.js';

export const SIM_KEY = 'sim-key';
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

export interface TestClient {
  client: UpstreamClient;
  logs: CapturedLogs;
  metrics: ReturnType<typeof createMetrics>;
  /** The injected breaker clock: move it with `clock.now += ms`. */
  clock: { now: number };
}

/** A client against `baseUrl` with test-sized limits, a captured log, a settable clock and no jitter. */
export function makeClient(
  baseUrl: string,
  overrides: Partial<Omit<UpstreamClientOptions, 'logger' | 'metrics'>> = {},
): TestClient {
  const logs = captureLogs('debug');
  const metrics = createMetrics();
  const clock = { now: Date.UTC(2026, 0, 1) };
  const client = createUpstreamClient({
    baseUrl,
    apiKey: SIM_KEY,
    apiKeyHeader: 'Authorization',
    timeoutMs: 2000,
    circuitFailures: 100,
    circuitOpenMs: 10_000,
    clock: () => clock.now,
    random: () => 0,
    ...overrides,
    logger: logs.logger,
    metrics,
  });
  return { client, logs, metrics, clock };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A tiny HTTP server answering with `handler`, recording what it received. */
export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const scripted: ScriptedServer = {
    url: '',
    requests: [],
    handler: (_req, res) => res.end(),
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    scripted.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    scripted.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  scripted.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scripted.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return scripted;
}

/** Answers a JSON body with a status (and headers). */
export function answerJson(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/**
 * One simulator for the file, reset after each test, and a `client()` maker whose clients are
 * closed after each test.
 */
export function useSimulatorClients(defaults: Parameters<typeof makeClient>[1] = {}) {
  let sim: RunningSimulator | undefined;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    sim?.reset();
    await Promise.all(clients.splice(0).map((c) => c.client.close()));
  });
  afterAll(() => sim?.close());
  const simulator = (): RunningSimulator => {
    if (sim === undefined) throw new Error('the simulator starts in beforeAll');
    return sim;
  };
  return {
    simulator,
    client: (baseUrl = simulator().url, overrides: Parameters<typeof makeClient>[1] = {}): TestClient => {
      const c = makeClient(baseUrl, { ...defaults, ...overrides });
      clients.push(c);
      return c;
    },
  };
}
