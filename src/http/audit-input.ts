import type { Context } from 'hono';
import {
  AuditUnavailableError,
  type AuditEventName,
  type AuditInput,
  type AuditTrail,
} from '../audit/audit-trail.js';
import type { ErrorHandler } from './error-handler.js';
import type { AppEnv, RequestReport } from './request-context.js';

/** Raw request values are cut long before the record's own cap: enough to see what was sent. */
const RAW_MAX_CHARS = 4096;

export interface AuditedAnswer {
  actor: AuditInput['actor'];
  status: number;
  /** @default the error code the request's report holds */
  code?: string | null;
  accountGroupId?: string | null;
  query?: AuditInput['query'];
}

/** The audit input of a request: what it answered, with who asked, from where and how long it took. */
export function requestAuditInput<E extends AppEnv>(
  c: Context<E>,
  event: AuditEventName,
  answer: AuditedAnswer,
  now: number,
): AuditInput {
  const report: RequestReport = c.get('report');
  return {
    event,
    traceId: c.get('traceId'),
    actor: answer.actor,
    accountGroupId: answer.accountGroupId ?? null,
    query: answer.query ?? null,
    outcome: {
      status: answer.status,
      code: answer.code === undefined ? (report.errorCode ?? null) : answer.code,
      cache: report.cache ?? null,
      itemCount: report.itemCount ?? null,
      upstreamTraceId: report.upstreamTraceId ?? null,
    },
    client: { ip: c.get('clientIp'), userAgent: rawValue(c.req.header('user-agent')) },
    durationMs: Math.max(0, now - c.get('startedAt')),
  };
}

/** What a middleware that audits the answers of the routes behind it needs. */
export interface AuditAnswersOptions {
  audit: AuditTrail;
  onError: ErrorHandler;
  clock: () => number;
}

/**
 * Records what the request answered, for its log line too. When the record can be written nowhere,
 * the answer becomes 503 (Hono carries the old headers over): no data goes out unaudited.
 * Resolves false when it replaced the answer.
 */
export async function recordAnswer<E extends AppEnv>(
  c: Context<E>,
  options: Pick<AuditAnswersOptions, 'audit' | 'onError'>,
  input: AuditInput,
): Promise<boolean> {
  const report: RequestReport = c.get('report');
  try {
    report.auditJson = await options.audit.record(input);
    return true;
  } catch (error) {
    c.res = options.onError(
      error instanceof AuditUnavailableError ? error : new AuditUnavailableError(error),
      c,
    );
    return false;
  }
}

export function rawValue(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, RAW_MAX_CHARS);
}
