export type CircuitState = 'closed' | 'half_open' | 'open';

/** The `sbff_circuit_state` gauge's value for each state. */
export const CIRCUIT_GAUGE: Readonly<Record<CircuitState, number>> = { closed: 0, half_open: 1, open: 2 };

/** A call may go ahead (`probe`: it is the one half-open trial), or must be answered at once. */
export type CircuitAdmission = { admitted: true; probe: boolean } | { admitted: false; retryAfterMs: number };

export interface CircuitBreaker {
  /** Asks before each call; synchronous, so of calls started together exactly one becomes the probe. */
  admit(): CircuitAdmission;
  /** The upstream answered coherently (a 4xx counts: it is alive and reachable). */
  succeeded(probe: boolean): void;
  /** Server error, timeout, unreachable or an unusable answer. */
  failed(probe: boolean): void;
  /** The call ended without telling anything about the upstream (its caller went away). */
  abandoned(probe: boolean): void;
  state(): CircuitState;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** How long it stays open before one probe may go through. */
  openMs: number;
  /** Epoch ms. @default Date.now */
  clock?: () => number;
  /** Called on every transition (for the state gauge and a log line). */
  onChange?: (state: CircuitState) => void;
}

// While the probe is in flight the others are told to come back soon: it ends within the deadline.
const PROBE_PENDING_RETRY_MS = 1000;

/**
 * Closed → open after `failures` consecutive failures; open answers at once for `openMs`; then
 * half-open lets one probe through: its success closes, its failure re-opens for another `openMs`.
 * Results of calls admitted before a transition do not move the state (only the probe does, or
 * any call while closed).
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const clock = options.clock ?? Date.now;
  let mode: CircuitState = 'closed';
  let consecutive = 0;
  let openedAt = 0;
  let probeInFlight = false;

  function moveTo(next: CircuitState): void {
    if (next === mode) return;
    mode = next;
    options.onChange?.(next);
  }

  function open(): void {
    openedAt = clock();
    probeInFlight = false;
    moveTo('open');
  }

  function current(): CircuitState {
    if (mode === 'open' && clock() - openedAt >= options.openMs) moveTo('half_open');
    return mode;
  }

  return {
    admit() {
      const state = current();
      if (state === 'closed') return { admitted: true, probe: false };
      if (state === 'open') return { admitted: false, retryAfterMs: openedAt + options.openMs - clock() };
      if (probeInFlight) return { admitted: false, retryAfterMs: PROBE_PENDING_RETRY_MS };
      probeInFlight = true;
      return { admitted: true, probe: true };
    },
    succeeded(probe) {
      if (probe) probeInFlight = false;
      if (probe || mode === 'closed') {
        consecutive = 0;
        moveTo('closed');
      }
    },
    failed(probe) {
      if (probe) {
        open();
        return;
      }
      if (mode !== 'closed') return;
      consecutive += 1;
      if (consecutive >= options.failures) {
        consecutive = 0;
        open();
      }
    },
    abandoned(probe) {
      if (probe) probeInFlight = false;
    },
    state: current,
  };
}
