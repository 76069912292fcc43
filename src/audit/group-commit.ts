interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** The most items in one commit. @default 500 */
  maxBatch?: number;
  /**
   * Commits running at once. With one, what arrives during a commit waits for it to end and then
   * goes in one larger batch (fewer round trips); with more, round trips overlap and a record
   * waits less. The writer numbers its batches, so one landing after a later one is told apart
   * (stream-writer.ts).
   * @default 1
   */
  maxInFlight?: number;
}

/**
 * Group commit: an item is committed at once when fewer than `maxInFlight` commits run; items
 * that arrive meanwhile queue up and go together in the next one. Under load many records share
 * one round trip; at low load nothing waits for a timer. Each submit settles with its own batch:
 * with what the commit of that batch resolved to, or its error.
 */
export function createGroupCommit<T, R>(
  commit: (items: T[]) => Promise<R>,
  options: GroupCommitOptions = {},
): { submit(item: T): Promise<R>; readonly idle: Promise<void> } {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 1;
  const queue: Waiter<T, R>[] = [];
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  function startCommits(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight += 1;
      // The next commit starts before this one's waiters resume: nothing queued waits on them.
      const settle = (each: (w: Waiter<T, R>) => void) => {
        inFlight -= 1;
        startCommits();
        for (const w of batch) each(w);
        if (inFlight === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      };
      commit(batch.map((w) => w.item)).then(
        (result) => settle((w) => w.resolve(result)),
        (error: unknown) => settle((w) => w.reject(error)),
      );
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        startCommits();
      });
    },
    /** Resolves when nothing is queued or in flight. */
    get idle() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
