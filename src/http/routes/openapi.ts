import { Hono } from 'hono';
import { JSON_TYPE } from '../envelope.js';
import type { AppEnv } from '../request-context.js';

/** GET /openapi.json: the document itself, not wrapped in the envelope (tools read it as it is). */
export function openApiRoutes(options: { document: () => Promise<string> }): Hono<AppEnv> {
  return new Hono<AppEnv>().get(
    '/openapi.json',
    async () => new Response(await options.document(), { headers: { 'Content-Type': JSON_TYPE } }),
  );
}
