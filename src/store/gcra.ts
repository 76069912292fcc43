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

/**
 * A slot budget's state: `tat`, and the calls `spent` since the budget was last full. Kept in the
 * store as `"<tat> <spent>"`; a bare `"<tat>"` (or nothing) reads as none spent.
 */
export interface SlotState {
  tat: number;
  spent: number;
}

export function slotStateOf(text: string | undefined): SlotState {
  const [tat, spent] = (text ?? '0').split(' ');
  return { tat: Number(tat) || 0, spent: Number(spent) || 0 };
}

export const slotStateText = (state: SlotState): string => `${state.tat} ${state.spent}`;

/**
 * The slot at most `maxWaitMs` away, and the new state when it is granted. The first `burst` calls
 * after the budget was full go at their slot; every later one, until it is full again, goes
 * `jitterMs` after its slot (whether it is refused is judged without that).
 */
export function reserveGcraSlot(
  state: SlotState,
  now: number,
  budget: SlotBudget & { maxWaitMs: number; jitterMs?: number },
): { reservation: SlotReservation; next: SlotState | undefined } {
  const spent = state.tat <= now ? 0 : state.spent;
  const base = Math.max(state.tat, now);
  const slot = base - gcraTolerance(budget);
  const waitMs = Math.max(0, slot - now);
  if (waitMs > budget.maxWaitMs)
    return { reservation: { granted: false, retryAfterMs: waitMs }, next: undefined };
  const jitterMs = spent >= budget.burst ? (budget.jitterMs ?? 0) : 0;
  return {
    reservation: { granted: true, waitMs: Math.max(0, slot + jitterMs - now) },
    next: { tat: base + budget.intervalMs, spent: spent + 1 },
  };
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

/** Pushed so that no slot is free before `pauseMs` from now (a vendor 429); every call after it waits the jitter. */
export function pausedGcraState(
  state: SlotState,
  now: number,
  budget: SlotBudget & { pauseMs: number },
): SlotState {
  return { tat: Math.max(state.tat, now + budget.pauseMs + gcraTolerance(budget)), spent: budget.burst };
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
