import { pausedGcraTat, reserveGcraSlot } from '../store/gcra.js';
import type { SlotBudget, SlotReservation } from '../store/store.js';

/**
 * The store's GCRA in this process only: the upstream budget's fallback while the store is
 * unreachable.
 */
export interface LocalSlots {
  reserve(budget: SlotBudget & { maxWaitMs: number }): SlotReservation;
  pause(budget: SlotBudget & { pauseMs: number }): void;
}

/** `now` is monotonic ms. @default performance.now */
export function createLocalSlots(now: () => number = () => performance.now()): LocalSlots {
  let tat = 0;
  return {
    reserve(budget) {
      const { reservation, nextTat } = reserveGcraSlot(tat, now(), budget);
      if (nextTat !== undefined) tat = nextTat;
      return reservation;
    },
    pause(budget) {
      tat = pausedGcraTat(tat, now(), budget);
    },
  };
}
