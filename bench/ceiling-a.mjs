// Ceiling A: the fastest Node answers the HIT page here — a bare Hono handler, c.json, nothing else.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const data = JSON.parse(process.env.PAGE_DATA ?? 'null');
const app = new Hono();
// The gateway's envelope around the same page, serialised on every request as c.json does.
app.get('/v1/accounts/:accountGroupId/signals/scans', (c) =>
  c.json({ success: true, data, error: null, traceId: '0190c9f5a1b27e4f9c3d5e6f7a8b9c0d' }),
);
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
