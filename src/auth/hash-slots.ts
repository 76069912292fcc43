/**
 * A counting semaphore with a FIFO queue: at most `max` password hashes run at once (each
 * holds ~128 MiB and a libuv thread), later ones wait their turn instead of piling up.
 */
export interface HashSlots {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly waiting: number;
}

export function createHashSlots(max: number): HashSlots {
  if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
  let inFlight = 0;
  const queue: (() => void)[] = [];

  const acquire = (): Promise<void> => {
    if (inFlight < max) {
      inFlight += 1;
      return Promise.resolve();
    }
    // The slot is handed over by release(), so inFlight never drops below max while others wait.
    return new Promise((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) inFlight -= 1;
    else next();
  };

  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
  };
}
