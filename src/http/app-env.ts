import type { ResolvedSession, User } from '../auth/types.js';
import type { CacheStatus } from '../cache/types.js';

/** What a request's middleware learns, for the handler, the request log and the audit record. */
export interface RequestFacts {
  accountGroupId?: string;
  cache?: CacheStatus;
  itemCount?: number;
  upstreamTraceId?: string;
  upstreamMs?: number;
  errorCode?: string;
}

export interface AppEnv {
  Variables: {
    traceId: string;
    startedAt: number;
    clientIp: string;
    facts: RequestFacts;
    /** Set by requireSession. */
    user: User;
    session: ResolvedSession & { token: string };
  };
}
