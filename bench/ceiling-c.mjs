// Ceiling C: what a naive BFF is — Hono plus an undici Pool forwarding to the vendor; no session,
// cache, validation, rate limit or audit.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM_BASE_URL ?? '');
const authorization = `Bearer ${process.env.UPSTREAM_API_KEY ?? ''}`;
const app = new Hono();
app.get('/v1/accounts/:accountGroupId/signals/scans', async (c) => {
  const url = new URL(c.req.url);
  const res = await upstream.request({
    method: 'GET',
    path: `${url.pathname}${url.search}`,
    headers: { authorization },
  });
  return c.body(await res.body.text(), res.statusCode, { 'content-type': 'application/json' });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
