import type { SimulatorCall } from './simulator-options.js';

/** The scans calls one simulator received, and who wants to hear of the next ones. */
export interface CallLog {
  /** Same array for the instance's life, so `RunningSimulator.calls` stays live. */
  readonly calls: SimulatorCall[];
  count(): number;
  record(call: SimulatorCall): void;
  onCall(listener: (call: SimulatorCall) => void): () => void;
  waitForCalls(count: number, timeoutMs: number): Promise<void>;
  /** Rejects every pending wait: nobody will call a closed simulator. */
  close(): void;
  reset(): void;
}

interface Waiter {
  count: number;
  resolve(): void;
  reject(error: Error): void;
}

export function createCallLog(maxCalls: number): CallLog {
  const calls: SimulatorCall[] = [];
  const listeners = new Set<(call: SimulatorCall) => void>();
  let waiters: Waiter[] = [];
  let count = 0;
  let closed = false;

  return {
    calls,
    count: () => count,
    record(call) {
      count += 1;
      calls.push(call);
      // Trim in batches of 10% so a long benchmark costs amortised O(1) per call.
      if (calls.length > maxCalls + Math.ceil(maxCalls / 10)) calls.splice(0, calls.length - maxCalls);
      for (const listener of listeners) listener(call);
      if (waiters.length === 0) return;
      const due = waiters.filter((w) => w.count <= count);
      waiters = waiters.filter((w) => w.count > count);
      for (const waiter of due) waiter.resolve();
    },
    onCall(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForCalls(wanted, timeoutMs) {
      if (count >= wanted) return Promise.resolve();
      if (closed) return Promise.reject(new Error('the simulator is closed'));
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          count: wanted,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        // A bound, so a call that never comes fails with the numbers rather than the test's timeout.
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`the simulator saw ${count} of ${wanted} calls in ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        waiters.push(waiter);
      });
    },
    close() {
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('the simulator closed'));
    },
    reset() {
      calls.length = 0;
      count = 0;
    },
  };
}
