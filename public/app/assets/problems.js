// @ts-check
// What a person needs to read, and may do, for each error the gateway answers (docs/api.md#client-guidance).

/**
 * @typedef {import('./api.js').Failure} Failure
 * @typedef {{ text: string, signIn: boolean, retry: 'no' | 'now' | 'wait', waitS: number }} Problem
 */

/**
 * @param {Failure} failure
 * @returns {Problem}
 */
export function explain(failure) {
  const { status, error, retryAfterS } = failure;
  const wait = (/** @type {string} */ text) => ({
    text,
    signIn: false,
    retry: /** @type {const} */ ('wait'),
    waitS: retryAfterS ?? 1,
  });
  const again = (/** @type {string} */ text) => ({
    text,
    signIn: false,
    retry: /** @type {const} */ ('now'),
    waitS: 0,
  });
  const final = (/** @type {string} */ text) => ({
    text,
    signIn: false,
    retry: /** @type {const} */ ('no'),
    waitS: 0,
  });
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return { text: 'Your session has ended. Please sign in again.', signIn: true, retry: 'no', waitS: 0 };
    case 'INVALID_CREDENTIALS':
      return final('The username or password is not right.');
    case 'TOO_MANY_ATTEMPTS':
      return wait('Too many failed sign-ins.');
    case 'RATE_LIMITED':
      return wait('Too many requests right now.');
    case 'FORBIDDEN':
      return final('You may not see the scans of this account group.');
    case 'CSRF_FAILED':
      return final('The gateway refused this request as cross-site. Reload the page and try again.');
    case 'VALIDATION_ERROR':
      return final(error.message);
  }
  if (status === 503)
    return retryAfterS === undefined
      ? again('The service is temporarily unavailable.')
      : wait('The service is temporarily unavailable.');
  if (status === 502 || status === 504) return again('The scans service is having trouble answering.');
  return again(error.message);
}
