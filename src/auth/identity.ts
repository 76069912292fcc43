export interface User {
  id: string;
  username: string;
  passwordHash: string;
  accountGroups: string[];
  roles: string[];
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

export interface SessionRecord {
  userId: string;
  createdAt: number;
  lastSeen: number;
  csrfToken: string;
}

export interface ResolvedSession {
  record: SessionRecord;
  /** When the session ends if unused: min(idle, absolute). */
  expiresAt: number;
}

export interface SessionService {
  /** A fresh id every login; only its SHA-256 is stored. */
  create(userId: string): Promise<{ token: string } & ResolvedSession>;
  /**
   * null when unknown, idle-expired, absolute-expired or ended; rejects StoreUnavailableError on
   * outage. The answer may come from memory; treat it as read-only.
   */
  resolve(token: string): Promise<ResolvedSession | null>;
  /** Ends the session in the store, then tells every instance. */
  destroy(token: string): Promise<void>;
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
