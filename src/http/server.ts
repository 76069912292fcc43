import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import type { AppEnv } from './request-context.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes idle sockets. */
  close(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  port: number;
  host: string;
  /** The whole head must arrive within this. @default 10000 */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this. @default 30000 */
  requestTimeoutMs?: number;
}

/**
 * Listens with the request limits of docs/api.md#request-limits: headers within 10 s, a whole
 * request within 30 s. Node enforces both only when it checks its connections, every 30 s by
 * default, which let a slowloris socket live 31 s and a trickled body 59 s; checked every second
 * (a quarter of the header limit when that is shorter), each limit holds to about a second.
 */
export function startServer(app: Hono<AppEnv>, options: ServerOptions): Promise<RunningServer> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        port: options.port,
        hostname: options.host,
        serverOptions: {
          headersTimeout,
          requestTimeout,
          connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 4)),
          keepAliveTimeout: 5_000,
        },
      },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          server: server,
          close: (graceMs = 20_000) => closeServer(server, graceMs),
        });
      },
    ) as Server;
    server.once('error', reject);
  });
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
