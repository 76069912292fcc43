/** The pages the scenarios ask for. Every bench user may read every group named here. */

export const PAGE_GROUPS: readonly string[] = Array.from(
  { length: 200 },
  (_, i) => `grp_${String(i).padStart(3, '0')}`,
);

/** One group per coalescing round: no other scenario asks for them, so their pages start cold. */
export const COLD_GROUPS: readonly string[] = Array.from({ length: 20 }, (_, i) => `cold_${i}`);

export function scansPath(group: string, limit: number): string {
  return `/v1/accounts/${group}/signals/scans?limit=${limit}`;
}

/** The one page of the HIT scenario; ceiling A serves the same page. */
export const HIT_PATH = scansPath('grp_000', 20);

/**
 * groups × limits, group first, so the few hundred requests in flight at any moment never ask for
 * the same page and are never coalesced. MISS and ceilings B and C: limits 16–25, 2 000 pages of
 * nearly one size. Smoothing: limits 1–100, 20 000 pages, each burst starting where the last ended.
 */
export function distinctPages(limits: { from: number; to: number }): string[] {
  const paths: string[] = [];
  for (let limit = limits.from; limit <= limits.to; limit += 1)
    for (const group of PAGE_GROUPS) paths.push(scansPath(group, limit));
  return paths;
}

export const MISS_PAGES = distinctPages({ from: 16, to: 25 });
export const SMOOTHING_PAGES = distinctPages({ from: 1, to: 100 });
