import type { SlotBudget, SlotReservation } from '../store/store.js';

/**
 * The same GCRA as the store's reserveSlot/pauseSlots, in this process only: the upstream
 * budget's fallback while the store is unreachable.
 */
export interface LocalSlots {
  reserve(budget: SlotBudget & { maxWaitMs: number }): SlotReservation;
  pause(budget: SlotBudget & { pauseMs: number }): void;
}

/** `now` is monotonic ms. @default performance.now */
export function createLocalSlots(now: () => number = () => performance.now()): LocalSlots {
  // Theoretical arrival time of the next call; at or before now = the whole burst is available.
  let tat = 0;
  const tolerance = (budget: SlotBudget) => (budget.burst - 1) * budget.intervalMs;
  return {
    reserve(budget) {
      const t = now();
      const base = Math.max(tat, t);
      const waitMs = Math.max(0, base - tolerance(budget) - t);
      if (waitMs > budget.maxWaitMs) return { granted: false, retryAfterMs: waitMs };
      tat = base + budget.intervalMs;
      return { granted: true, waitMs };
    },
    pause(budget) {
      tat = Math.max(tat, now() + budget.pauseMs + tolerance(budget));
    },
  };
}
