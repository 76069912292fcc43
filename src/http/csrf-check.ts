import type { Context } from 'hono';
import { csrfTokenMatches } from '../auth/csrf.js';
import { ApiError } from './errors.js';
import type { SessionEnv } from './request-context.js';

/** The CSRF refusal of a state-changing request without the session's `X-CSRF-Token`, if it is one. */
export function csrfRefusal(c: Context<SessionEnv>): ApiError | undefined {
  if (csrfTokenMatches(c.req.header('x-csrf-token'), c.get('session').record.csrfToken)) return undefined;
  return new ApiError('CSRF_FAILED', 'Send the X-CSRF-Token header with the token from login.');
}
