// PLACEHOLDER (auth helper replaces).
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { SessionService } from './types.js';

export function createSessionService(_options: {
  store: Store;
  keys: Keys;
  clock: () => number;
  idleS: number;
  absoluteS: number;
}): SessionService {
  return {
    create: () => Promise.reject(new Error('not implemented')),
    resolve: () => Promise.resolve(null),
    destroy: () => Promise.resolve(),
  };
}
