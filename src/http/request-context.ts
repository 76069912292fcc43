import type { Principal, ResolvedSession } from '../auth/identity.js';
import type { CacheStatus } from '../cache/page-request.js';
import type { ErrorCode } from './errors.js';
import type { QueryValues } from './request-query.js';

/**
 * What one request did, filled in as it goes: the request log line and the audit record are
 * written from it once the answer is known.
 */
export interface RequestReport {
  userId?: string;
  accountGroupId?: string;
  cache?: CacheStatus;
  itemCount?: number;
  upstreamTraceId?: string;
  upstreamMs?: number;
  errorCode?: ErrorCode;
  /** The request's audit record as the trail serialised it, for the one request log line. */
  auditJson?: string;
}

/** What every request carries, from the first middleware on. */
export interface AppEnv {
  Variables: {
    traceId: string;
    startedAt: number;
    clientIp: string;
    report: RequestReport;
    /**
     * This answer's headers as a plain object, sent by the envelope writer: Hono's `c.header`
     * builds a Web `Headers` per request, which measured a fifth of a cache hit's CPU.
     */
    headers: Record<string, string>;
    /** The decoded query, once something read it (request-query.ts). */
    query: Readonly<QueryValues> | undefined;
  };
}

/** What a route behind requireSession may read besides: the user and the session of the cookie. */
export interface SessionEnv extends AppEnv {
  Variables: AppEnv['Variables'] & {
    user: Principal;
    session: ResolvedSession & { token: string };
  };
}
