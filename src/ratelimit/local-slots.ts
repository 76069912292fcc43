import { pausedGcraState, reserveGcraSlot, type SlotState } from '../store/gcra.js';
import type { SlotBudget, SlotReservation } from '../store/store.js';

/**
 * The store's GCRA in this process only: the upstream budget's fallback while the store is
 * unreachable.
 */
export interface LocalSlots {
  reserve(budget: SlotBudget & { maxWaitMs: number; jitterMs: number }): SlotReservation;
  pause(budget: SlotBudget & { pauseMs: number }): void;
}

/** `now` is monotonic ms. @default performance.now */
export function createLocalSlots(now: () => number = () => performance.now()): LocalSlots {
  let state: SlotState = { tat: 0, spent: 0 };
  return {
    reserve(budget) {
      const { reservation, next } = reserveGcraSlot(state, now(), budget);
      if (next !== undefined) state = next;
      return reservation;
    },
    pause(budget) {
      state = pausedGcraState(state, now(), budget);
    },
  };
}
