/** The pages the scenarios ask for. Every bench user may read every one of these groups. */

export const PAGE_GROUPS: readonly string[] = Array.from(
  { length: 200 },
  (_, i) => `grp_${String(i).padStart(3, '0')}`,
);

/** Items in every simulated group: enough for every limit used here, and the same page sizes everywhere. */
export const ITEMS_PER_GROUP = 120;

export function scansPath(group: string, limit: number): string {
  return `/v1/accounts/${group}/signals/scans?limit=${limit}`;
}

/** The one page of the HIT scenario and of ceiling A. */
export const HIT_PATH = scansPath('grp_000', 20);

/** Limits of the MISS scenarios: pages of nearly one size, 2000 of them. */
export const MISS_LIMITS = range(16, 25);

/** Limits of the smoothing bursts: 20 000 pages, so no burst repeats a page of an earlier one. */
export const SMOOTHING_LIMITS = range(1, 100);

/** Groups of the coalescing scenario, one per round: no other scenario asks for them. */
export const COLD_GROUPS: readonly string[] = Array.from({ length: 50 }, (_, i) => `cold_${i}`);

export function coldGroup(round: number): string {
  return COLD_GROUPS[round % COLD_GROUPS.length] ?? 'cold_0';
}

/**
 * Cycles through groups × limits, group first, so that the requests in flight at any moment (at
 * most a few hundred) never ask for the same page and are never coalesced.
 */
export function distinctPages(limits: readonly number[], start = 0): () => string {
  const paths = limits.flatMap((limit) => PAGE_GROUPS.map((group) => scansPath(group, limit)));
  let next = start;
  return () => paths[next++ % paths.length] ?? HIT_PATH;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
