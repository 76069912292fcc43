import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { loginSchema } from '../routes/auth.js';
import { SCANS_PATH } from '../routes/scans.js';
import {
  AuditPage,
  Health,
  LogoutData,
  Readiness,
  ScanPage,
  SessionData,
  SessionList,
  SessionsEnded,
  SignInMethods,
} from './response-schemas.js';

/** A response header the document defines once (components.headers). */
export type HeaderName =
  'X-Trace-Id' | 'X-Cache' | 'RateLimit' | 'RateLimit-Policy' | 'Retry-After' | 'Set-Cookie';

export interface Operation {
  operationId: string;
  tag: 'auth' | 'scans' | 'audit' | 'ops' | 'docs';
  summary: string;
  description?: string;
  /** Who may call: anyone, a session, or a session and its X-CSRF-Token. */
  security: 'none' | 'session' | 'session+csrf';
  /** A JSON request body, the schema that validates it. */
  body?: z.ZodType;
  ok: {
    description: string;
    /** `data` of the success envelope, or the whole body for a non-envelope answer. */
    data?: z.ZodType;
    /** @default 'envelope' */
    media?: 'envelope' | 'application/json' | 'text/html' | 'text/plain';
    headers?: HeaderName[];
  };
  /** The errors this route itself answers; the ones every route can answer are added. */
  errors: ErrorCode[];
  /** Served before the cross-site check (pages and their assets: no data, no state). */
  beforeCrossSiteCheck?: true;
}

/**
 * Every route of the gateway, keyed `METHOD path` as Hono spells the path. The parameters come from
 * the routes' own validators; a test fails when a route is missing here.
 */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'POST /auth/login': {
    operationId: 'login',
    tag: 'auth',
    summary: 'Sign in with a username and password',
    description:
      'Sets the session cookie (a new id at every login) and answers the CSRF token. JSON only. ' +
      'Unknown user and wrong password get the same 401; repeated failures get 429 with Retry-After.',
    security: 'none',
    body: loginSchema,
    ok: { description: 'Signed in.', data: SessionData, headers: ['Set-Cookie'] },
    errors: [
      'VALIDATION_ERROR',
      'INVALID_CREDENTIALS',
      'UNSUPPORTED_MEDIA_TYPE',
      'TOO_MANY_ATTEMPTS',
      'SERVICE_UNAVAILABLE',
    ],
  },
  'GET /auth/oidc/login': {
    operationId: 'ssoLogin',
    tag: 'auth',
    summary: 'Sign in through the identity provider (when OIDC_ISSUER is set)',
    description:
      'A browser navigation: 302 to the provider (code flow, PKCE S256, state, nonce). `returnTo` is a ' +
      'relative path on this origin to come back to (default `/`).',
    security: 'none',
    ok: { description: '302 to the provider.', media: 'text/plain' },
    errors: ['VALIDATION_ERROR', 'SSO_UNAVAILABLE', 'SERVICE_UNAVAILABLE'],
  },
  'GET /auth/oidc/callback': {
    operationId: 'ssoCallback',
    tag: 'auth',
    summary: 'Where the provider sends the browser back',
    description:
      'Verifies the answer, sets the session cookie (as a password login does), 302 to `returnTo`.',
    security: 'none',
    ok: { description: '302 to returnTo, signed in.', media: 'text/plain', headers: ['Set-Cookie'] },
    errors: ['SSO_STATE_INVALID', 'SSO_FAILED', 'FORBIDDEN', 'SSO_UNAVAILABLE', 'SERVICE_UNAVAILABLE'],
  },
  'POST /auth/oidc/backchannel-logout': {
    operationId: 'ssoBackchannelLogout',
    tag: 'auth',
    summary: 'OpenID Connect Back-Channel Logout 1.0 (called by the provider)',
    description:
      'A verified `logout_token` (form body) ends every session of its `sid` or `sub` on every instance.',
    security: 'none',
    ok: { description: 'The sessions ended.', data: SessionsEnded },
    errors: ['INVALID_LOGOUT_TOKEN', 'SSO_UNAVAILABLE', 'SERVICE_UNAVAILABLE'],
  },
  'GET /auth/sessions': {
    operationId: 'listSessions',
    tag: 'auth',
    summary: 'My sessions',
    security: 'session',
    ok: { description: 'Live sessions of the signed-in user, newest first.', data: SessionList },
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'DELETE /auth/sessions/:id': {
    operationId: 'endSession',
    tag: 'auth',
    summary: 'End one of my sessions',
    security: 'session+csrf',
    ok: { description: 'Ended.', data: SessionsEnded },
    errors: ['NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  },
  'DELETE /auth/sessions': {
    operationId: 'endAllSessions',
    tag: 'auth',
    summary: 'Log out everywhere: end all my sessions',
    security: 'session+csrf',
    ok: { description: 'Ended.', data: SessionsEnded, headers: ['Set-Cookie'] },
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'POST /admin/users/:userId/sessions/revoke': {
    operationId: 'revokeUserSessions',
    tag: 'auth',
    summary: 'End every session of a user (role admin)',
    security: 'session+csrf',
    ok: { description: 'Ended.', data: SessionsEnded },
    errors: ['FORBIDDEN', 'SERVICE_UNAVAILABLE'],
  },
  'GET /auth/session': {
    operationId: 'getSession',
    tag: 'auth',
    summary: 'The current session',
    description: 'The same data as login: after a page reload, read the CSRF token from here.',
    security: 'session',
    ok: { description: 'The session of the cookie.', data: SessionData },
    errors: [],
  },
  'POST /auth/logout': {
    operationId: 'logout',
    tag: 'auth',
    summary: 'Sign out',
    description: 'Ends the session on every instance and clears the cookie.',
    security: 'session+csrf',
    ok: { description: 'Signed out.', data: LogoutData, headers: ['Set-Cookie'] },
    errors: ['CSRF_FAILED'],
  },
  'GET /auth/methods': {
    operationId: 'getSignInMethods',
    tag: 'auth',
    summary: 'How a person can sign in here',
    description: 'Public: a sign-in page reads it to show “Sign in with SSO” only when single sign-on is on.',
    security: 'none',
    ok: { description: 'The sign-in methods.', data: SignInMethods },
    errors: [],
  },
  [`GET ${SCANS_PATH}`]: {
    operationId: 'listScans',
    tag: 'scans',
    summary: 'List the signal scans of an account group',
    description:
      'The vendor’s page, from the shared cache when it can be. Checks, in order: session (401), ' +
      'validation (400; a repeated or unknown parameter too), access to the group (403, the vendor ' +
      'not called), the per-user limit (429), then cache and vendor. Follow `nextCursor` as `cursor`. ' +
      'Send `Cache-Control: no-cache` to skip the cached copy.',
    security: 'session',
    ok: {
      description: 'A page of scans. `X-Cache` says where it came from.',
      data: ScanPage,
      headers: ['X-Cache', 'RateLimit', 'RateLimit-Policy'],
    },
    errors: [
      'VALIDATION_ERROR',
      'FORBIDDEN',
      'RATE_LIMITED',
      'UPSTREAM_ERROR',
      'UPSTREAM_UNAUTHORIZED',
      'UPSTREAM_FORBIDDEN',
      'UPSTREAM_INVALID_RESPONSE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_TIMEOUT',
    ],
  },
  'GET /admin/audit': {
    operationId: 'queryAudit',
    tag: 'audit',
    summary: 'Read the audit trail (role auditor)',
    description:
      'Newest first; `from ≤ at < to`; `actor` matches a username or a user id. Not itself audited.',
    security: 'session',
    ok: { description: 'A page of audit records.', data: AuditPage },
    errors: ['VALIDATION_ERROR', 'FORBIDDEN'],
  },
  'GET /healthz': {
    operationId: 'healthz',
    tag: 'ops',
    summary: 'Liveness',
    security: 'none',
    ok: { description: 'The process is alive.', data: Health },
    errors: [],
  },
  'GET /readyz': {
    operationId: 'readyz',
    tag: 'ops',
    summary: 'Readiness',
    description: '503 while the store is unreachable or the process drains (SIGTERM).',
    security: 'none',
    ok: { description: 'Ready for traffic.', data: Readiness },
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /metrics': {
    operationId: 'metrics',
    tag: 'ops',
    summary: 'Prometheus metrics',
    description:
      'With METRICS_TOKEN set: `Authorization: Bearer <token>`; else only direct loopback callers.',
    security: 'none',
    ok: { description: 'Prometheus text format.', media: 'text/plain' },
    errors: ['FORBIDDEN'],
  },
  'GET /openapi.json': {
    operationId: 'openapi',
    tag: 'docs',
    summary: 'This document',
    description: 'Built from the validators of the routes. Not in the envelope.',
    security: 'none',
    ok: { description: 'OpenAPI 3.1.', media: 'application/json' },
    errors: [],
  },
  'GET /docs': {
    operationId: 'docs',
    tag: 'docs',
    summary: 'Swagger UI for this document (DOCS_ENABLED)',
    security: 'none',
    ok: { description: 'The page; its scripts and styles are served from here too.', media: 'text/html' },
    errors: [],
    beforeCrossSiteCheck: true,
  },
  'GET /': {
    operationId: 'exampleApp',
    tag: 'docs',
    summary: 'The example browser app (UI_ENABLED)',
    security: 'none',
    ok: { description: 'The page; its scripts and styles are served under /app/.', media: 'text/html' },
    errors: [],
    beforeCrossSiteCheck: true,
  },
};
