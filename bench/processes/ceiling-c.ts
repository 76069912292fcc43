// Ceiling C: what a naive BFF is — Hono plus an undici Pool forwarding to the vendor; no auth,
// cache, validation, rate limit or audit.
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Pool } from 'undici';
import { serveRpc } from '../child-rpc.js';
import { listen } from './serve.js';
import type { CeilingCMethods } from './methods.js';

let server: Awaited<ReturnType<typeof listen>> | undefined;
let pool: Pool | undefined;

serveRpc<CeilingCMethods>({
  async start({ upstreamUrl, apiKey }) {
    const upstream = new Pool(upstreamUrl);
    pool = upstream;
    const app = new Hono();
    app.get('/v1/accounts/:accountGroupId/signals/scans', async (c) => {
      const url = new URL(c.req.url);
      const res = await upstream.request({
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const body = await res.body.text();
      return c.body(body, res.statusCode as ContentfulStatusCode, { 'content-type': 'application/json' });
    });
    server = await listen(app);
    return { url: server.url };
  },
  async stop() {
    await server?.close();
    await pool?.close();
    return null;
  },
});
