/** A writer's mark lives beside its log, in the same Cluster slot (the log key's hash tag). */
export function logMarkKey(key: string, writer: string): string {
  return `${key}:w:${writer}`;
}

/** Skipped-number ranges a writer's mark keeps at most; past it the oldest is forgotten. */
export const MAX_LOG_GAPS = 256;

interface Mark {
  /** The highest batch number landed. */
  hwm: number;
  /** Below it, whether a batch landed is no longer known (the oldest gap was forgotten). */
  horizon: number;
  /** from → to: ranges of numbers below `hwm` that did not land. */
  gaps: Map<number, number>;
  expiresAt: number;
}

export type Redelivery = 'land' | 'skip' | 'uncertain';

/**
 * The embedded store's writer marks: what the Lua scripts APPEND_LOG and REDELIVER_LOG keep in
 * a hash per writer (redis-scripts.ts), with the same rules, so both stores pass one contract.
 */
export function createLogMarks(now: () => number) {
  const marks = new Map<string, Mark>();

  const markOf = (key: string, ttlMs: number): Mark => {
    const t = now();
    let mark = marks.get(key);
    if (mark === undefined || mark.expiresAt <= t) {
      mark = { hwm: 0, horizon: 0, gaps: new Map(), expiresAt: 0 };
      marks.set(key, mark);
    }
    mark.expiresAt = t + ttlMs;
    return mark;
  };

  const addGap = (mark: Mark, from: number, to: number): void => {
    mark.gaps.set(from, to);
    if (mark.gaps.size <= MAX_LOG_GAPS) return;
    const oldest = Math.min(...mark.gaps.keys());
    const oldestTo = mark.gaps.get(oldest) ?? oldest;
    mark.gaps.delete(oldest);
    mark.horizon = Math.max(mark.horizon, oldestTo + 1);
  };

  /** Moves the mark past `seq`, recording the numbers jumped over as skipped. */
  const advance = (mark: Mark, seq: number): void => {
    if (seq > mark.hwm + 1) addGap(mark, mark.hwm + 1, seq - 1);
    mark.hwm = seq;
  };

  const takeFromGap = (mark: Mark, seq: number): boolean => {
    for (const [from, to] of mark.gaps) {
      if (from <= seq && seq <= to) {
        mark.gaps.delete(from);
        if (from < seq) mark.gaps.set(from, seq - 1);
        if (seq < to) mark.gaps.set(seq + 1, to);
        return true;
      }
    }
    return false;
  };

  return {
    /** A live batch: true when it may land (no higher number landed before it). */
    accept(key: string, seq: number, ttlMs: number): boolean {
      const mark = markOf(key, ttlMs);
      if (seq <= mark.hwm) return false;
      advance(mark, seq);
      return true;
    },
    /** A redelivered batch: whether to land it; a batch told `land` is marked as landed. */
    redeliver(key: string, seq: number, ttlMs: number): Redelivery {
      const mark = markOf(key, ttlMs);
      if (seq > mark.hwm) {
        advance(mark, seq);
        return 'land';
      }
      if (seq < mark.horizon) return 'uncertain';
      return takeFromGap(mark, seq) ? 'land' : 'skip';
    },
    sweep(t: number): void {
      for (const [key, mark] of marks) if (mark.expiresAt <= t) marks.delete(key);
    },
  };
}
