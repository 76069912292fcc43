import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of the `X-CSRF-Token` header with the session's token. Both sides are
 * hashed first so their lengths are equal and the comparison time says nothing about either.
 */
export function csrfTokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || given === '' || expected === '') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
