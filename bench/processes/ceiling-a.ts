// Ceiling A: the fastest Node can answer the HIT page — a bare Hono handler, c.json, nothing else.
import { Hono } from 'hono';
import { serveRpc } from '../child-rpc.js';
import { listen } from './serve.js';
import type { CeilingAMethods } from './methods.js';

let server: Awaited<ReturnType<typeof listen>> | undefined;

serveRpc<CeilingAMethods>({
  async start({ pageJson }) {
    const data: unknown = JSON.parse(pageJson);
    const app = new Hono();
    // The gateway's envelope around the same page, serialised on every request as c.json does.
    app.get('/v1/accounts/:accountGroupId/signals/scans', (c) =>
      c.json({ success: true, data, error: null, traceId: '0190c9f5a1b27e4f9c3d5e6f7a8b9c0d' }),
    );
    server = await listen(app);
    return { url: server.url };
  },
  async stop() {
    await server?.close();
    return null;
  },
});
