import { describe, expect, it } from 'vitest';

import { createCircuitBreaker } from '../../src/upstream/circuit-breaker.js';
import type { CircuitState } from '../../src/upstream/circuit-breaker.js';

function breaker(failures = 3, openMs = 10_000) {
  const clock = { now: 1_000_000 };
  const changes: CircuitState[] = [];
  const cb = createCircuitBreaker({
    failures,
    openMs,
    clock: () => clock.now,
    onChange: (s) => changes.push(s),
  });
  return { cb, clock, changes };
}

function fail(cb: ReturnType<typeof breaker>['cb'], times: number): void {
  for (let i = 0; i < times; i++) {
    const a = cb.admit();
    if (a.admitted) cb.failed(a.probe);
  }
}

describe('circuit breaker', () => {
  it('stays closed below the threshold and a success resets the count', () => {
    const { cb } = breaker(3);
    fail(cb, 2);
    cb.succeeded(false);
    fail(cb, 2);
    expect(cb.state()).toBe('closed');
  });

  it('opens after the configured run of failures and refuses with the time left', () => {
    const { cb, clock, changes } = breaker(3, 10_000);
    fail(cb, 3);
    expect(cb.state()).toBe('open');
    expect(changes).toEqual(['open']);
    clock.now += 4000;
    expect(cb.admit()).toEqual({ admitted: false, retryAfterMs: 6000 });
  });

  it('half-opens after the open time and lets exactly one probe through', () => {
    const { cb, clock, changes } = breaker(1, 10_000);
    fail(cb, 1);
    clock.now += 10_000;
    expect(cb.state()).toBe('half_open');
    expect(cb.admit()).toEqual({ admitted: true, probe: true });
    expect(cb.admit().admitted).toBe(false);
    cb.succeeded(true);
    expect(cb.state()).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens for another full period when the probe fails', () => {
    const { cb, clock } = breaker(1, 10_000);
    fail(cb, 1);
    clock.now += 10_000;
    const probe = cb.admit();
    expect(probe).toEqual({ admitted: true, probe: true });
    cb.failed(true);
    expect(cb.state()).toBe('open');
    expect(cb.admit()).toEqual({ admitted: false, retryAfterMs: 10_000 });
  });

  it('frees the probe slot when the probe is abandoned', () => {
    const { cb, clock } = breaker(1, 10_000);
    fail(cb, 1);
    clock.now += 10_000;
    cb.admit();
    cb.abandoned(true);
    expect(cb.state()).toBe('half_open');
    expect(cb.admit()).toEqual({ admitted: true, probe: true });
  });

  it('ignores late results of calls admitted before it opened', () => {
    const { cb } = breaker(2);
    const late = cb.admit();
    fail(cb, 2);
    if (late.admitted) cb.succeeded(late.probe);
    expect(cb.state()).toBe('open');
  });
});
