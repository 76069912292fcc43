import { afterEach, describe, expect, it, vi } from 'vitest';
import { callSignal } from '../../src/upstream/call-signal.js';

describe('callSignal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires at the deadline and says it was the deadline', () => {
    vi.useFakeTimers();
    const call = callSignal(1000, undefined);
    vi.advanceTimersByTime(999);
    expect(call.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(call.signal.aborted).toBe(true);
    expect(call.timedOut()).toBe(true);
    expect((call.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it("fires with the caller's signal, which is not a timeout", () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const call = callSignal(1000, caller.signal);
    caller.abort(new Error('left'));
    expect(call.signal.aborted).toBe(true);
    expect(call.timedOut()).toBe(false);
    expect((call.signal.reason as Error).message).toBe('left');
  });

  it('starts aborted when the caller already left', () => {
    const caller = new AbortController();
    caller.abort();
    const call = callSignal(1000, caller.signal);
    expect(call.signal.aborted).toBe(true);
    call.done();
  });

  it('once done, neither the deadline nor the caller fires it', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const call = callSignal(1000, caller.signal);
    call.done();
    vi.advanceTimersByTime(5000);
    caller.abort();
    expect(call.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
