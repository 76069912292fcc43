import type { Store, Subscription } from '../../src/store/store.js';

/** A subscription whose messages and up/down switches a test awaits, in order, without sleeping. */
export interface Listener {
  subscription: Subscription;
  heard: string[];
  /** Resolves with the next message not taken yet (one already heard resolves at once). */
  next(): Promise<string>;
  /** Resolves when the subscription is up (at once if it is). */
  up(): Promise<void>;
  /** Resolves on the next `down` after this call, or at once if it is down now. */
  down(): Promise<void>;
  readonly isUp: boolean;
}

export function listen(store: Store, channel: string): Listener {
  const heard: string[] = [];
  let taken = 0;
  let isUp = false;
  const waiting: { message: ((m: string) => void)[]; up: (() => void)[]; down: (() => void)[] } = {
    message: [],
    up: [],
    down: [],
  };
  const subscription = store.subscribe(channel, {
    message(message) {
      heard.push(message);
      const waiter = waiting.message.shift();
      if (waiter !== undefined) {
        taken += 1;
        waiter(message);
      }
    },
    up() {
      isUp = true;
      for (const resolve of waiting.up.splice(0)) resolve();
    },
    down() {
      isUp = false;
      for (const resolve of waiting.down.splice(0)) resolve();
    },
  });
  return {
    subscription,
    heard,
    next() {
      const ready = heard[taken];
      if (ready !== undefined) {
        taken += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiting.message.push(resolve));
    },
    up: () => (isUp ? Promise.resolve() : new Promise((resolve) => waiting.up.push(resolve))),
    down: () => (isUp ? new Promise((resolve) => waiting.down.push(resolve)) : Promise.resolve()),
    get isUp() {
      return isUp;
    },
  };
}
