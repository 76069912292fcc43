import type { LoginThrottle, PasswordHasher, User, UserDirectory } from './identity.js';

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterS: number };

export interface LoginAttempt {
  username: string;
  password: string;
  /** The client address (TRUST_PROXY rules applied). */
  ip: string;
}

/**
 * Decides a login: throttle, then one scrypt run whether or not the user exists (a dummy hash for
 * unknown names), so unknown user and wrong password look and cost the same. Throttle answers are
 * taken after the hash as well as before it: a guess whose failure ranked past the limit, or a
 * right password racing such guesses, is refused rather than revealed.
 */
export interface LoginServices {
  users: UserDirectory;
  passwords: PasswordHasher;
  loginThrottle: LoginThrottle;
}

export async function verifyLogin(deps: LoginServices, attempt: LoginAttempt): Promise<LoginResult> {
  const { username, password, ip } = attempt;
  const before = await deps.loginThrottle.check(username, ip);
  if (!before.allowed) return { ok: false, reason: 'throttled', retryAfterS: before.retryAfterS };

  const user = deps.users.byUsername(username);
  const valid =
    user === undefined
      ? await deps.passwords.verifyDummy(password)
      : await deps.passwords.verify(password, user.passwordHash);
  if (!valid || user === undefined) {
    const counted = await deps.loginThrottle.recordFailure(username, ip);
    return counted.allowed
      ? { ok: false, reason: 'invalid_credentials' }
      : { ok: false, reason: 'throttled', retryAfterS: counted.retryAfterS };
  }

  const after = await deps.loginThrottle.check(username, ip);
  return after.allowed
    ? { ok: true, user }
    : { ok: false, reason: 'throttled', retryAfterS: after.retryAfterS };
}
