import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { generateSpecs, uniqueSymbol } from 'hono-openapi';
import { findTargetHandler } from 'hono/utils/handler';
import { statusOf } from '../errors.js';
import type { AppEnv } from '../request-context.js';
import { describeOperation } from './describe-operation.js';
import { ERROR_CODE_DOCS, ERROR_CODES } from './error-codes.js';
import { OPERATIONS, type HeaderName } from './operations.js';

export interface OpenApiOptions {
  /** The session cookie's name as configured (`__Host-sbff_session` when Secure). */
  cookieName: string;
}

type Route = Hono<AppEnv>['routes'][number];

/** `METHOD path` of each route that answers (middleware and wildcard asset routes are not routes here). */
export function routeKeys(routes: readonly Route[]): string[] {
  const keys = routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)];
}

/**
 * Puts each operation's description on its route's last handler, as the property hono-openapi
 * reads: the routes' middleware chains stay as they are, so nothing of this runs per request.
 */
function attachOperations(routes: readonly Route[]): void {
  const last = new Map<string, Route>();
  for (const route of routes) last.set(`${route.method} ${route.path}`, route);
  for (const [key, route] of last) {
    const op = OPERATIONS[key];
    if (op === undefined) continue;
    Object.assign(findTargetHandler(route.handler), {
      [uniqueSymbol]: { spec: describeOperation(op, route.method, route.path) },
    });
  }
}

const HEADERS: Record<HeaderName, { description: string; required: boolean; schema: object }> = {
  'X-Trace-Id': {
    description: 'The gateway’s trace id of this answer (as in the envelope).',
    required: true,
    schema: { type: 'string' },
  },
  'X-Cache': {
    description:
      'HIT: fresh from the shared cache; MISS: from the vendor; STALE: an older copy; BYPASS: `Cache-Control: no-cache` was sent.',
    required: true,
    schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE', 'BYPASS'] },
  },
  RateLimit: {
    description: 'The per-user limit now: `"user";r=<left>;t=<seconds until full>`.',
    required: true,
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'The per-user limit: `"user";q=<burst>;w=<window seconds>`.',
    required: true,
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Whole seconds to wait before retrying, at least 1.',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
  'Set-Cookie': {
    description: 'The session cookie (HttpOnly, SameSite, Path=/), set or cleared.',
    required: true,
    schema: { type: 'string' },
  },
};

function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

const errorTable = () =>
  [
    '| code | status | when |',
    '|---|---|---|',
    ...ERROR_CODES.map((c) => `| \`${c}\` | ${statusOf(c)} | ${ERROR_CODE_DOCS[c]} |`),
  ].join('\n');

const DESCRIPTION = `The gateway’s own API: password sign-in with a server-side session cookie, the vendor’s scans list behind it (shared cache, rate smoothing, audit), the audit trail, and ops.

Every JSON answer but this document is the envelope \`{success, data, error, traceId}\`; \`error\` is \`{code, message, details}\`. Match on \`code\`:

`;

/**
 * GET /openapi.json's body, built on the first request (by then every route is mounted) from the
 * routes, their validators and OPERATIONS, then served as that same string.
 */
export function createOpenApiDocument(app: Hono<AppEnv>, options: OpenApiOptions): () => Promise<string> {
  let document: Promise<string> | undefined;
  const build = async () => {
    attachOperations(app.routes);
    const spec = await generateSpecs(app, {
      documentation: {
        info: { title: 'signals-bff', version: packageVersion(), description: DESCRIPTION + errorTable() },
        tags: [
          { name: 'auth', description: 'Sign in, the session, sign out.' },
          { name: 'scans', description: 'The vendor’s scans, through the gateway.' },
          { name: 'audit', description: 'Who listed what.' },
          { name: 'ops', description: 'Health, readiness, metrics.' },
          { name: 'docs', description: 'This document, its page and the example app.' },
        ],
        components: {
          securitySchemes: {
            sessionCookie: {
              type: 'apiKey',
              in: 'cookie',
              name: options.cookieName,
              description: 'Set by POST /auth/login.',
            },
            csrfToken: {
              type: 'apiKey',
              in: 'header',
              name: 'X-CSRF-Token',
              description: '`data.csrfToken` of login or GET /auth/session.',
            },
          },
          headers: HEADERS,
          schemas: { ErrorCode: { type: 'string', enum: ERROR_CODES, description: errorTable() } },
        },
      },
      excludeStaticFile: false,
      defaultValidationErrorResponse: false,
    });
    return JSON.stringify(spec);
  };
  return () =>
    (document ??= build().catch((error: unknown) => {
      document = undefined;
      throw error;
    }));
}
