import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createUpstreamClient } from '../../src/upstream/client.js';
import type { UpstreamClientOptions } from '../../src/upstream/client.js';
import type { UpstreamClient } from '../../src/upstream/types.js';

export const SIM_KEY = 'sim-key';
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** A logger writing JSON lines into memory, to read back what was logged. */
export function captureLogs(): { logger: ReturnType<typeof createLogger>; lines: string[]; text(): string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines, text: () => lines.join('') };
}

export interface TestClient {
  client: UpstreamClient;
  logs: ReturnType<typeof captureLogs>;
  metrics: ReturnType<typeof createMetrics>;
  /** The injected breaker clock: move it with `clock.now += ms`. */
  clock: { now: number };
}

/** A client against `baseUrl` with test-sized limits, a captured log, a settable clock and no jitter. */
export function makeClient(
  baseUrl: string,
  overrides: Partial<Omit<UpstreamClientOptions, 'logger' | 'metrics'>> = {},
): TestClient {
  const logs = captureLogs();
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
