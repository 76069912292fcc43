import type { AuditRecord } from './record.js';

/** Every event the trail records, named `{entity}.{verb}`. */
export const AUDIT_EVENTS = ['scans.list', 'auth.login', 'auth.login_failed', 'auth.logout'] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** What a route knows of a request; the trail adds id and `at`, escapes and caps every string. */
export interface AuditInput {
  event: AuditEventName;
  traceId: string;
  /** How the user logged in (`password`, `oidc`), on auth events. @default null */
  method?: string | null;
  /** Why a session ended (`user`, `everywhere`, `revoked`, `backchannel`), or why an SSO login failed. @default null */
  reason?: string | null;
  actor: { userId: string | null; username: string | null };
  /** Whose sessions ended, when not the actor's own (an admin's revocation). @default null */
  subject?: { userId: string | null; username: string | null } | null;
  accountGroupId: string | null;
  query: { cursor: string | null; status: string | null; limit: string | null } | null;
  outcome: {
    status: number;
    code: string | null;
    cache: string | null;
    itemCount: number | null;
    upstreamTraceId: string | null;
  };
  client: { ip: string; userAgent: string | null };
  durationMs: number;
}

export interface AuditFilter {
  actor?: string | undefined;
  accountGroupId?: string | undefined;
  event?: AuditEventName | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
  hasMore: boolean;
}

export interface AuditTrail {
  /**
   * Resolves once the record is durable (Redis or the fsync'd spool), with the record's JSON as
   * stored (docs/audit.md#audit-record), for the request's one log line; rejects when it is nowhere.
   */
  record(input: AuditInput): Promise<string>;
  query(filter: AuditFilter): Promise<AuditPage>;
  /** Delivers what the spool holds (start-up, recovery, SIGTERM). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export class AuditUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('audit record could not be written anywhere', cause === undefined ? undefined : { cause });
    this.name = 'AuditUnavailableError';
  }
}
