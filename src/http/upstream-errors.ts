import { ApiError } from './errors.js';
import type { UpstreamFailure } from '../upstream/vendor-call.js';

/**
 * docs/upstream.md#upstream-outcomes: what the frontend sees for each upstream failure. The vendor rejecting the
 * gateway's key is a 502, never a 401/403 that would tell the frontend to log the user in again.
 */
export function failureToApiError(failure: UpstreamFailure): ApiError {
  switch (failure.kind) {
    case 'bad_request':
      return new ApiError('VALIDATION_ERROR', failure.message, { details: failure.details });
    case 'unauthorized':
      return new ApiError('UPSTREAM_UNAUTHORIZED', 'The scans service rejected the gateway credentials.');
    case 'forbidden':
      return new ApiError(
        'UPSTREAM_FORBIDDEN',
        'The scans service refused the gateway access to this resource.',
      );
    case 'rate_limited':
      return new ApiError('RATE_LIMITED', 'Too many requests to the scans service; retry later.', {
        retryAfterS: failure.retryAfterS,
      });
    case 'server_error':
      return new ApiError('UPSTREAM_ERROR', 'The scans service failed to answer.', {
        details: { upstreamStatus: failure.status },
      });
    case 'timeout':
      return new ApiError('UPSTREAM_TIMEOUT', 'The scans service did not answer in time.');
    case 'unavailable':
      return new ApiError('UPSTREAM_UNAVAILABLE', 'The scans service is unavailable; retry later.', {
        retryAfterS: failure.retryAfterS,
        details: { reason: failure.reason },
      });
    case 'invalid_response':
      return new ApiError(
        'UPSTREAM_INVALID_RESPONSE',
        'The scans service sent an answer the gateway cannot use.',
      );
  }
}
