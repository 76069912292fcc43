// PLACEHOLDER (rate helper replaces).
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { UserLimiter } from './types.js';

export function createUserLimiter(options: {
  store: Store;
  keys: Keys;
  rps: number;
  burst: number;
}): UserLimiter {
  return {
    take: () => Promise.resolve({ ok: true, limit: options.burst, remaining: options.burst, resetS: 0 }),
  };
}
