import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createAdaptorServer } from '@hono/node-server';

import { createSimulatorApp } from './app.js';
import { createSimulatorState } from './state.js';
import type { RunningSimulator, SimulatorOptions } from './simulator-options.js';

export interface StartSimulatorOptions extends SimulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** Listens on a real port; tests, the demo and the benchmarks talk to it over HTTP like to the vendor. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = 0, host = '127.0.0.1', ...simOptions } = options;
  const state = createSimulatorState(simOptions);
  const app = createSimulatorApp(simOptions, state);
  // Plain HTTP/1.1: createAdaptorServer without serverOptions builds a node:http Server.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    calls: state.calls,
    callCount: () => state.callCount(),
    onCall: (listener) => state.callLog.onCall(listener),
    waitForCalls: (count, { timeoutMs = 10_000 } = {}) => state.callLog.waitForCalls(count, timeoutMs),
    setFaults: (faults) => state.faults.set(faults),
    reset: () => state.reset(),
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        // Release hung handlers first, then drop every socket, idle keep-alive ones included.
        state.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
