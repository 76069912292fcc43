import { sha256Hex } from '../platform/sha256-hex.js';
import { z } from 'zod';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';

/** A pending SSO login: what the callback needs to check the provider's answer. */
export interface LoginTransaction {
  /** PKCE S256: the provider gets only the challenge. */
  verifier: string;
  nonce: string;
  returnTo: string;
  /** SHA-256 of the browser-binding cookie sent with the login: only that browser may finish it. */
  binding: string;
}

const transactionSchema = z.strictObject({
  verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/),
  nonce: z.string().min(16),
  returnTo: z.string().startsWith('/'),
  binding: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * Login transactions in the store under the SHA-256 of their `state`, for `ttlMs`, taken (read
 * and deleted in one step) by the callback: each is used once, on whichever instance the
 * provider sends the browser back to.
 */
export function createLoginTransactions(options: { store: Store; keys: Keys; ttlMs: number }) {
  const { store, keys, ttlMs } = options;
  return {
    async save(state: string, transaction: Omit<LoginTransaction, 'binding'>, binding: string) {
      const stored: LoginTransaction = { ...transaction, binding: sha256Hex(binding) };
      await store.set(keys.oidcLogin(sha256Hex(state)), JSON.stringify(stored), { ttlMs });
    },
    /** The transaction of `state` when it exists, is whole and was started by this `binding`. */
    async take(state: string, binding: string | undefined): Promise<LoginTransaction | undefined> {
      const json = await store.take(keys.oidcLogin(sha256Hex(state)));
      if (json === null) return undefined;
      let parsed;
      try {
        parsed = transactionSchema.safeParse(JSON.parse(json));
      } catch {
        return undefined;
      }
      if (!parsed.success || binding === undefined || sha256Hex(binding) !== parsed.data.binding)
        return undefined;
      return parsed.data;
    },
  };
}

export type LoginTransactions = ReturnType<typeof createLoginTransactions>;
