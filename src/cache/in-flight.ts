import { LightAbort, type AbortLike } from '../platform/light-abort.js';

/** What a waiter gets when its own signal aborted before the shared load settled. */
export const LEFT = Symbol('left');

/**
 * Concurrent loads of one page in this process share one promise. Each waiter may leave on its
 * own signal (the client went away) without disturbing the others; when the last one leaves, the
 * shared load's signal aborts, so a load nobody waits for stops before its upstream call.
 */
export interface InFlight<T> {
  join(id: string, start: (signal: AbortLike) => Promise<T>, signal?: AbortLike): Promise<T | typeof LEFT>;
  has(id: string): boolean;
}

interface SharedLoad<T> {
  promise: Promise<T>;
  controller: LightAbort;
  waiting: number;
}

/** A per-process map of loads in flight, keyed by page id. */
export function createInFlight<T>(): InFlight<T> {
  const loads = new Map<string, SharedLoad<T>>();

  const begin = (id: string, start: (signal: AbortLike) => Promise<T>): SharedLoad<T> => {
    const controller = new LightAbort();
    const load: SharedLoad<T> = { promise: start(controller), controller, waiting: 0 };
    loads.set(id, load);
    const forget = () => {
      if (loads.get(id) === load) loads.delete(id);
    };
    void load.promise.then(forget, forget);
    return load;
  };

  return {
    has: (id) => loads.has(id),
    join(id, start, signal) {
      if (signal?.aborted === true) return Promise.resolve(LEFT);
      const current = loads.get(id);
      // A load abandoned by all its waiters may still be settling: it is no use to a newcomer.
      const load = current === undefined || current.controller.aborted ? begin(id, start) : current;
      load.waiting += 1;
      if (signal === undefined) return load.promise;
      return new Promise<T | typeof LEFT>((resolve, reject) => {
        const leave = () => {
          load.waiting -= 1;
          if (load.waiting === 0) load.controller.abort();
          resolve(LEFT);
        };
        signal.addEventListener('abort', leave, { once: true });
        void load.promise.then(
          (value) => {
            signal.removeEventListener('abort', leave);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', leave);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
  };
}
