import type { SlotBudget, SlotReservation, TokenGrant } from './store.js';

/**
 * GCRA, the one rate rule of every budget, on the TypeScript side (the Redis scripts in
 * redis-scripts.ts run the same arithmetic on Redis's clock). The state is the budget's
 * theoretical arrival time `tat` (ms): at or before now, the whole burst is available.
 */

/** How far ahead of now `tat` may run: a burst's worth of intervals. */
export function gcraTolerance(budget: SlotBudget): number {
  return (budget.burst - 1) * budget.intervalMs;
}

/** The slot at most `maxWaitMs` away, and the new `tat` when it is granted. */
export function reserveGcraSlot(
  tat: number,
  now: number,
  budget: SlotBudget & { maxWaitMs: number },
): { reservation: SlotReservation; nextTat: number | undefined } {
  const base = Math.max(tat, now);
  const waitMs = Math.max(0, base - gcraTolerance(budget) - now);
  if (waitMs > budget.maxWaitMs)
    return { reservation: { granted: false, retryAfterMs: waitMs }, nextTat: undefined };
  return { reservation: { granted: true, waitMs }, nextTat: base + budget.intervalMs };
}

/** Up to `want` calls that fit now, and the new `tat` (unchanged when none fit). */
export function takeGcraTokens(
  tat: number,
  now: number,
  budget: SlotBudget & { want: number },
): { grant: TokenGrant; nextTat: number } {
  const base = Math.max(tat, now);
  const fits = Math.floor((gcraTolerance(budget) - (base - now)) / budget.intervalMs) + 1;
  const granted = Math.max(0, Math.min(budget.want, fits));
  const nextTat = base + granted * budget.intervalMs;
  const retryAfterMs = granted > 0 ? 0 : base - gcraTolerance(budget) - now;
  return { grant: { granted, aheadMs: nextTat - now, retryAfterMs }, nextTat };
}

/** `tat` pushed so that no slot is free before `pauseMs` from now (a vendor 429). */
export function pausedGcraTat(tat: number, now: number, budget: SlotBudget & { pauseMs: number }): number {
  return Math.max(tat, now + budget.pauseMs + gcraTolerance(budget));
}

/**
 * What is left of the burst when `tat` runs `aheadMs` ahead of now, and how long until all of it
 * is back: advisory figures for RateLimit headers. `slackMs` absorbs rounding and clock
 * disagreement, so a request is never reported one short of what is really left.
 */
export function gcraHeadroom(
  aheadMs: number,
  budget: SlotBudget,
  slackMs = 0,
): { remaining: number; resetMs: number } {
  aheadMs = Math.min(Math.max(aheadMs, 0), budget.burst * budget.intervalMs);
  const fits = Math.floor((gcraTolerance(budget) - aheadMs + slackMs) / budget.intervalMs) + 1;
  return { remaining: Math.min(budget.burst, Math.max(0, fits)), resetMs: aheadMs };
}
