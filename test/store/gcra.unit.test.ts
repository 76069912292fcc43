import { describe, expect, it } from 'vitest';
import { pausedGcraState, reserveGcraSlot, slotStateOf, type SlotState } from '../../src/store/gcra.js';

/** Reserves at each of `times` (ms) in turn and gives each call's wait. */
function waitsAt(times: number[], start: SlotState = { tat: 0, spent: 0 }) {
  const budget = { intervalMs: 100, burst: 2, maxWaitMs: 10_000, jitterMs: 50 };
  let state = start;
  return times.map((now) => {
    const { reservation, next } = reserveGcraSlot(state, now, budget);
    if (next !== undefined) state = next;
    return reservation.granted ? reservation.waitMs : -1;
  });
}

describe('GCRA slots with a jitter allowance', () => {
  it('a full burst after a quiet spell goes at once', () => {
    expect(waitsAt([1000, 1000])).toEqual([0, 0]);
  });

  it('a call past the burst waits its slot and the jitter', () => {
    // Slots at 1000, 1000, then 1100: the third waits 100 + 50.
    expect(waitsAt([1000, 1000, 1000])).toEqual([0, 0, 150]);
  });

  it('a call the refill lets through at once, past the burst, still waits the jitter', () => {
    // At 1120 the third slot (1100) has come, yet the burst's calls may reach the vendor late.
    expect(waitsAt([1000, 1000, 1120])).toEqual([0, 0, 30]);
    // Once its slot is more than the jitter past, it goes at once.
    expect(waitsAt([1000, 1000, 1160])).toEqual([0, 0, 0]);
  });

  it('a full budget starts the count again: its burst goes at once', () => {
    expect(waitsAt([1000, 1000, 1400, 1400])).toEqual([0, 0, 0, 0]);
  });

  it('after a pause every call waits the jitter, and a refusal is judged without it', () => {
    const paused = pausedGcraState({ tat: 0, spent: 0 }, 1000, {
      intervalMs: 100,
      burst: 2,
      pauseMs: 500,
    });
    expect(waitsAt([1000], paused)).toEqual([550]);
    const granted = reserveGcraSlot(paused, 1000, {
      intervalMs: 100,
      burst: 2,
      maxWaitMs: 500,
      jitterMs: 50,
    });
    expect(granted.reservation).toEqual({ granted: true, waitMs: 550 });
    const tooFar = reserveGcraSlot(paused, 1000, { intervalMs: 100, burst: 2, maxWaitMs: 499, jitterMs: 50 });
    expect(tooFar.reservation).toEqual({ granted: false, retryAfterMs: 500 });
  });

  it('reads the stored text, and a bare time as nothing spent', () => {
    expect(slotStateOf('1234.5 3')).toEqual({ tat: 1234.5, spent: 3 });
    expect(slotStateOf('1234.5')).toEqual({ tat: 1234.5, spent: 0 });
    expect(slotStateOf(undefined)).toEqual({ tat: 0, spent: 0 });
  });
});
