import { statusOf, type ErrorCode } from '../errors.js';

/**
 * When each code is answered, for the document. A Record over ErrorCode: a new code without a line
 * here fails to compile, so the document cannot fall behind the closed set.
 */
export const ERROR_CODE_DOCS: Readonly<Record<ErrorCode, string>> = {
  VALIDATION_ERROR:
    'A bad path, query or body, malformed JSON, or the vendor’s own 400. `details` lists each field.',
  UNAUTHENTICATED: 'No session, or it expired, was logged out or its user was removed: sign in again.',
  INVALID_CREDENTIALS: 'Wrong username or password (the same answer for both).',
  FORBIDDEN: 'Not allowed: a group the user may not see, the audit without `auditor`, /metrics from outside.',
  CSRF_FAILED: 'A cross-site request from an origin not in CORS_ORIGINS, or no valid `X-CSRF-Token`.',
  NOT_FOUND: 'No such route.',
  METHOD_NOT_ALLOWED: 'The path exists with other methods (`Allow` lists them).',
  PAYLOAD_TOO_LARGE: 'A request body over 4 KiB.',
  UNSUPPORTED_MEDIA_TYPE: 'The body is not `application/json`.',
  TOO_MANY_ATTEMPTS: 'Too many failed logins for the account or the client: wait `Retry-After` seconds.',
  RATE_LIMITED:
    'The per-user limit, or the shared vendor budget with no stale page: wait `Retry-After` seconds.',
  INTERNAL_ERROR: 'A bug; the log has it under the trace id.',
  UPSTREAM_ERROR: 'The vendor answered 5xx and no stale page was at hand.',
  UPSTREAM_UNAUTHORIZED: 'The vendor rejected the gateway’s key (never a 401, which would mean “sign in”).',
  UPSTREAM_FORBIDDEN: 'The vendor refused the gateway’s key this resource.',
  UPSTREAM_INVALID_RESPONSE:
    'The vendor’s answer was unusable: not JSON, not its schema, too big, or a redirect.',
  UPSTREAM_UNAVAILABLE: 'The vendor is unreachable or the circuit is open: retry after `Retry-After`.',
  SERVICE_UNAVAILABLE:
    'The store is unreachable or the gateway is not ready: retry after `Retry-After`; stay signed in.',
  UPSTREAM_TIMEOUT: 'No vendor answer within UPSTREAM_TIMEOUT_MS and no stale page.',
  SSO_STATE_INVALID: 'The single sign-on callback’s state is unknown, used, expired or from another browser.',
  SSO_FAILED: 'The identity provider refused the login, or its answer did not verify.',
  SSO_UNAVAILABLE: 'The identity provider is unreachable or not discovered yet; password login still works.',
  INVALID_LOGOUT_TOKEN: 'A back-channel logout token that does not verify or was used before.',
};

export const ERROR_CODES = Object.keys(ERROR_CODE_DOCS) as ErrorCode[];

/** Codes grouped by their status, in the order given. */
export function codesByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = statusOf(code);
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  return byStatus;
}
