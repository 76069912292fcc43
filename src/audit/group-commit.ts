interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the first item is committed at once; items that arrive while a commit is in
 * flight queue up and go together in the next one. Under load many records share one round
 * trip; at low load nothing waits for a timer. Each submit settles with its own batch: with what
 * the commit of that batch resolved to, or its error.
 *
 * @param maxBatch the most items in one commit @default 500
 */
export function createGroupCommit<T, R>(
  commit: (items: T[]) => Promise<R>,
  maxBatch = 500,
): { submit(item: T): Promise<R>; readonly idle: Promise<void> } {
  const queue: Waiter<T, R>[] = [];
  // Cleared in the same tick as the loop sees an empty queue, so no submit is ever stranded.
  let draining = false;
  let idle: Promise<void> = Promise.resolve();

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        try {
          const result = await commit(batch.map((w) => w.item));
          for (const w of batch) w.resolve(result);
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      draining = false;
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!draining) {
          draining = true;
          // drain() never rejects: every failure goes to the waiters of its batch.
          idle = drain();
        }
      });
    },
    /** Resolves when nothing is queued or in flight. */
    get idle() {
      return idle;
    },
  };
}
