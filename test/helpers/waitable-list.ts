/**
 * A list that tells waiters when an item they want arrives, so a test awaits the event (a log
 * line, a store call) instead of polling for it.
 */
export interface WaitableList<T> {
  readonly items: readonly T[];
  push(item: T): void;
  /** The first item, present or future, that matches; rejects after `timeoutMs` or on end(). */
  waitFor(match: (item: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves once the list holds `count` items. */
  waitForLength(count: number, timeoutMs?: number): Promise<readonly T[]>;
  /** No more items will come (the process exited): pending waits reject with `reason`. */
  end(reason: string): void;
}

interface Waiter<T> {
  done(items: readonly T[]): boolean;
  fail(reason: string): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createWaitableList<T>(what = 'item'): WaitableList<T> {
  const items: T[] = [];
  let waiters: Waiter<T>[] = [];
  let ended: string | undefined;

  function wait<R>(check: (items: readonly T[]) => R | undefined, describe: string, timeoutMs: number) {
    const now = check(items);
    if (now !== undefined) return Promise.resolve(now);
    if (ended !== undefined) return Promise.reject(new Error(`no ${describe}: ${ended}`));
    return new Promise<R>((resolve, reject) => {
      const waiter: Waiter<T> = {
        done(current) {
          const found = check(current);
          if (found === undefined) return false;
          clearTimeout(timer);
          resolve(found);
          return true;
        },
        fail(reason) {
          clearTimeout(timer);
          reject(new Error(`no ${describe}: ${reason}`));
        },
      };
      // A bound, so a missing event fails with what was awaited rather than the test's timeout.
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        waiter.fail(`not within ${timeoutMs} ms`);
      }, timeoutMs);
      timer.unref();
      waiters.push(waiter);
    });
  }

  return {
    items,
    push(item) {
      items.push(item);
      if (waiters.length > 0) waiters = waiters.filter((w) => !w.done(items));
    },
    waitFor(match, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return wait((current) => current.find(match), `matching ${what}`, timeoutMs);
    },
    waitForLength(count, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return wait(
        (current) => (current.length >= count ? current : undefined),
        `${count} ${what}s`,
        timeoutMs,
      );
    },
    end(reason) {
      ended = reason;
      for (const waiter of waiters.splice(0)) waiter.fail(reason);
    },
  };
}
