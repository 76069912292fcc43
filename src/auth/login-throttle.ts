// PLACEHOLDER (auth helper replaces).
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { LoginThrottle } from './types.js';

export function createLoginThrottle(_options: {
  store: Store;
  keys: Keys;
  maxFailuresPerHour: number;
}): LoginThrottle {
  return { check: () => Promise.resolve({ allowed: true }), recordFailure: () => Promise.resolve() };
}
