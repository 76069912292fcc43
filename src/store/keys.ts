/**
 * Every key the gateway writes, and its one pub/sub channel, in one place. The part in braces is a Redis Cluster hash tag:
 * keys that a script or a multi-key operation touches together share it, so they share a slot.
 */
export interface Keys {
  session(idHash: string): string;
  /** The channel on which every end of a session is published, as the SHA-256 of its id. */
  sessionEnds(): string;
  /** The set of a user's sessions (id hashes). */
  userSessions(userId: string): string;
  /** The set of sessions an SSO login in one provider session created, by the SHA-256 of its `sid`. */
  providerSessions(sidHash: string): string;
  /** A pending SSO login (state, PKCE verifier, nonce), by the SHA-256 of its `state`. */
  oidcLogin(stateHash: string): string;
  /** A back-channel logout token's `jti` seen, by its SHA-256: each token is accepted once. */
  oidcLogoutSeen(jtiHash: string): string;
  loginFailuresByAccount(username: string): string;
  loginFailuresByIp(ip: string): string;
  page(pageId: string): string;
  pageLock(pageId: string): string;
  upstreamBudget(): string;
  userBudget(userId: string): string;
  auditLog(): string;
}

export function createKeys(prefix: string): Keys {
  return {
    session: (idHash) => `${prefix}sess:{${idHash}}`,
    sessionEnds: () => `${prefix}sess:ended`,
    userSessions: (userId) => `${prefix}user:{${userId}}:sessions`,
    providerSessions: (sidHash) => `${prefix}oidc:sid:{${sidHash}}`,
    oidcLogin: (stateHash) => `${prefix}oidc:login:{${stateHash}}`,
    oidcLogoutSeen: (jtiHash) => `${prefix}oidc:jti:{${jtiHash}}`,
    loginFailuresByAccount: (username) => `${prefix}login:acct:{${username}}`,
    loginFailuresByIp: (ip) => `${prefix}login:ip:{${ip}}`,
    page: (pageId) => `${prefix}page:{${pageId}}`,
    pageLock: (pageId) => `${prefix}page:{${pageId}}:lock`,
    upstreamBudget: () => `${prefix}{upstream}:budget`,
    userBudget: (userId) => `${prefix}user:{${userId}}:budget`,
    auditLog: () => `${prefix}{audit}:log`,
  };
}
