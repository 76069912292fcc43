/** An API key the simulator accepts, with what it may do. */
export interface SimulatorKey {
  key: string;
  /** Account groups this key may read; `'*'` = every group. */
  accountGroups: string[] | '*';
  /** Listing scans needs `signals:read`. */
  permissions: string[];
}

export const FAULT_MODES = [
  'none',
  'error',
  'hang',
  'truncated',
  'wrong_schema',
  'redirect',
  'oversized',
  'rate_limited',
  'reset',
  'echo_key',
  'not_json',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** Switches that make the simulator misbehave like a real upstream does on a bad day. */
export interface SimulatorFaults {
  /** Added delay before answering, in every mode. @default 0 */
  latencyMs?: number;
  /** @default 'none' */
  mode?: FaultMode;
  /** For mode `error`: the status answered with the vendor error envelope. @default 500 */
  status?: number;
  /** For mode `rate_limited`: raw `Retry-After` value; `null` = header absent. @default '1' */
  retryAfter?: string | null;
  /** For mode `redirect`: the `Location` of the 302. @default 'https://example.invalid/v1/moved' */
  redirectTo?: string;
  /** For mode `oversized`: size of the streamed, valid JSON body. @default 20 MB */
  oversizedBytes?: number;
  /** Apply to the next N scans calls only, then back to normal. @default undefined (until changed) */
  times?: number;
}

export interface SimulatorOptions {
  /** @default [{ key: 'sim-key', accountGroups: '*', permissions: ['signals:read'] }] */
  keys?: SimulatorKey[];
  /** `authorization` expects `Bearer <key>`; any other header carries the bare key. @default 'authorization' */
  keyHeader?: string;
  /** Seed of the deterministic data (and of the cursor signing secret). @default 1 */
  seed?: number;
  /** Scans per account group. @default 30..80, derived from a hash of the group id */
  itemsPerGroup?: number | ((group: string) => number);
  /** The simulator's own hard limit (token bucket) → 429 + `Retry-After`. @default null (unlimited) */
  rateLimit?: { rps: number; burst: number } | null;
  /** Faults active from the start. @default none */
  faults?: SimulatorFaults;
  /**
   * Most recent calls kept in `calls` (callCount() still counts all): bounds memory under benchmarks.
   * @default 50_000
   */
  maxRecordedCalls?: number;
}

export interface SimulatorCall {
  /** Epoch ms when the request arrived. */
  at: number;
  accountGroupId: string;
  query: Record<string, string>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** What it answered; 0 for hang/reset (and while still in flight). */
  status: number;
}

export interface WaitForCallsOptions {
  /** @default 10_000 */
  timeoutMs?: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  /** Every request received on the scans route, in order (the most recent `maxRecordedCalls`). */
  calls: SimulatorCall[];
  callCount(): number;
  /**
   * Calls `listener` as each scans request arrives, before it is answered (its `status` is still 0).
   * Returns the function that stops listening.
   */
  onCall(listener: (call: SimulatorCall) => void): () => void;
  /**
   * Resolves once `count` scans requests have arrived since the start or the last reset (at once
   * when they have), so a caller awaits the vendor seeing a call instead of polling callCount().
   * Rejects when `timeoutMs` passes first, or when the simulator closes.
   */
  waitForCalls(count: number, options?: WaitForCallsOptions): Promise<void>;
  /** Replaces the current faults. Throws on an invalid fault description. */
  setFaults(f: SimulatorFaults): void;
  /** Clears calls, faults and rate-limit state. */
  reset(): void;
  /** Closes the server, ending hung requests and keep-alive sockets. */
  close(): Promise<void>;
}
