// The gateway in a process of its own: its RSS and CPU profile are its alone.
import { startBenchGateway, type BenchGateway } from '../gateway.js';
import { serveRpc } from '../child-rpc.js';
import type { GatewayMethods } from './methods.js';

let gateway: BenchGateway | undefined;

serveRpc<GatewayMethods>({
  async start(params) {
    gateway = await startBenchGateway(params);
    return { url: gateway.url };
  },
  memory({ collect }) {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (collect) gc?.();
    const usage = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    return {
      rss: mb(usage.rss),
      heapTotal: mb(usage.heapTotal),
      heapUsed: mb(usage.heapUsed),
      external: mb(usage.external),
      arrayBuffers: mb(usage.arrayBuffers),
    };
  },
  async stop() {
    await gateway?.close();
    return null;
  },
});
