/** Small statistics over measured numbers; latencies are milliseconds. */

/** The q-quantile (0..1) of ascending `sorted` by nearest rank; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Median of finite values (NaN when there are none); pairs average the middle two. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  const hi = finite[mid] ?? Number.NaN;
  return finite.length % 2 === 1 ? hi : ((finite[mid - 1] ?? hi) + hi) / 2;
}

/** The most events inside any window of `windowMs` (sliding, closed at its start). */
export function maxInWindow(timestamps: readonly number[], windowMs: number): number {
  const at = [...timestamps].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < at.length; end += 1) {
    while ((at[end] ?? 0) - (at[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
