import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

// Production's limits are 10 s and 30 s; the same server with shorter ones shows they hold to
// about a second (Node alone checked them every 30 s).
const HEADERS_MS = 2000;
const REQUEST_MS = 4000;
/** How late a cut may come: one check interval plus scheduling on a busy machine. */
const SLACK_MS = 2500;

/** Opens a socket that trickles `chunks` one every `everyMs`; resolves with when it was closed. */
function trickle(url: string, first: string, chunk: string, everyMs: number) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  const started = performance.now();
  let answer = '';
  socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
  socket.write(first);
  const timer = setInterval(() => socket.write(chunk), everyMs);
  return new Promise<{ afterMs: number; answer: string }>((resolve) => {
    const done = () => {
      clearInterval(timer);
      resolve({ afterMs: performance.now() - started, answer });
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

describe('server time limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ serverLimits: { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS } });
  });
  afterAll(() => gw.close());

  it('a slowloris head (a header line at a time) is cut at the header limit; others are served meanwhile', async () => {
    const cut = trickle(gw.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: 1\r\n', 300);
    for (let i = 0; i < 3; i += 1) expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const { afterMs } = await cut;
    expect(afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 100);
    expect(afterMs).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  it('a body trickled a byte at a time is cut at the request limit with 408', async () => {
    const head =
      'POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{';
    const cut = trickle(gw.url, head, ' ', 300);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const { afterMs, answer } = await cut;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    expect(afterMs).toBeLessThan(REQUEST_MS + SLACK_MS);
  });
});
