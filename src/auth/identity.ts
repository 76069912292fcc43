/** Who a session acts as: a user of the users file, or an SSO user mapped through the group map. */
export interface Principal {
  id: string;
  username: string;
  accountGroups: string[];
  roles: string[];
}

/** A user of the users file. */
export interface User extends Principal {
  passwordHash: string;
}

/** The users file, loaded and re-loadable; authorization reads it on every request. */
export interface UserDirectory {
  byId(id: string): User | undefined;
  byUsername(username: string): User | undefined;
  /** Re-reads the file atomically: a bad file keeps the current users and returns its problems. */
  reload(): { ok: true; count: number } | { ok: false; problems: string[] };
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time; parameters come from the hash. */
  verify(password: string, hash: string): Promise<boolean>;
  /** Verifies against a dummy hash so an unknown user costs what a known one does. */
  verifyDummy(password: string): Promise<false>;
}

export type LoginMethod = 'password' | 'oidc';

/** What an SSO login brought along: enough to map groups on every request and to log out at the provider. */
export interface OidcSessionClaims {
  sub: string;
  /** The provider's session (`sid`), which a back-channel logout may name. */
  sid: string | null;
  username: string;
  /** The provider groups of the groups claim at login; the group map turns them into access on every request. */
  groups: string[];
  /** Encrypted (token-crypto.ts): the ID token, for `id_token_hint` at logout. */
  idToken: string | null;
  /** Encrypted: revoked at logout. */
  refreshToken: string | null;
}

/** How a session came to be, written once with it. */
export interface SessionDetails {
  method: LoginMethod;
  ip: string;
  userAgent: string | null;
  oidc?: OidcSessionClaims;
}

export interface SessionRecord extends SessionDetails {
  userId: string;
  createdAt: number;
  lastSeen: number;
  csrfToken: string;
}

/** A session found through its user's (or provider session's) index. */
export interface SessionEntry {
  /** The store's name of the session (SHA-256 of the cookie value). */
  idHash: string;
  /** What GET /auth/sessions shows as `id`: derived from idHash one way, never the cookie value. */
  handle: string;
  record: SessionRecord;
}

export interface ResolvedSession {
  /** SHA-256 of the token, hex: the session's name in the store and in its end message. */
  idHash: string;
  record: SessionRecord;
  /** When the session ends if unused: min(idle, absolute). */
  expiresAt: number;
}

export interface SessionService {
  /** A fresh id every login; only its SHA-256 is stored. @default details: a password session from nowhere known */
  create(userId: string, details?: SessionDetails): Promise<{ token: string } & ResolvedSession>;
  /**
   * null when unknown, idle-expired, absolute-expired or ended; rejects StoreUnavailableError on
   * outage. The answer may come from memory; treat it as read-only.
   */
  resolve(token: string): Promise<ResolvedSession | null>;
  /** Ends the session in the store, then tells every instance; `record`, when known, lets it leave its indexes. */
  destroy(token: string, record?: SessionRecord): Promise<void>;
  /** The live sessions of a user, newest first (read from the store, not memory). */
  listOf(userId: string): Promise<SessionEntry[]>;
  /** The live sessions that an SSO login in the provider session `sid` created. */
  listOfProviderSession(sid: string): Promise<SessionEntry[]>;
  /** Ends each of these sessions like destroy: in the store, then on every instance. */
  end(entries: readonly SessionEntry[]): Promise<void>;
  /** True while this instance hears every session end, and so may answer from memory. */
  readonly fromMemory: boolean;
  /** Calls `listener` with the id hash of every session end heard, this instance's own included. */
  onEnded(listener: (idHash: string) => void): () => void;
  /** Calls `listener` each time answering from memory switches on or off. */
  onMemorySwitch(listener: (on: boolean) => void): () => void;
  close(): Promise<void>;
}

export type ThrottleResult = { allowed: true } | { allowed: false; retryAfterS: number };

export interface LoginThrottle {
  check(username: string, ip: string): Promise<ThrottleResult>;
  /**
   * Counts a failed verification; refused when it went past a limit, so parallel guesses that all
   * passed `check` still learn nothing beyond the limit.
   */
  recordFailure(username: string, ip: string): Promise<ThrottleResult>;
}
