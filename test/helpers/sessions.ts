import type { SessionService } from '../../src/auth/identity.js';
import { sessionIdHash } from '../../src/auth/sessions.js';

/** Resolves once `sessions` answers from memory (at once if it does). */
export function memoryOn(sessions: SessionService): Promise<void> {
  if (sessions.fromMemory) return Promise.resolve();
  return new Promise((resolve) => {
    const off = sessions.onMemorySwitch((on) => {
      if (!on) return;
      off();
      resolve();
    });
  });
}

/** Resolves once `sessions` reads every session from the store: at once, or on the next switch off. */
export function memoryOff(sessions: SessionService): Promise<void> {
  if (!sessions.fromMemory) return Promise.resolve();
  return new Promise((resolve) => {
    const off = sessions.onMemorySwitch((on) => {
      if (on) return;
      off();
      resolve();
    });
  });
}

/** Resolves when `sessions` hears that the session of `token` ended. Call it before the end. */
export function heardEnd(sessions: SessionService, token: string): Promise<void> {
  const idHash = sessionIdHash(token);
  return new Promise((resolve) => {
    const off = sessions.onEnded((heard) => {
      if (heard !== idHash) return;
      off();
      resolve();
    });
  });
}
