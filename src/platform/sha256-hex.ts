import { hash } from 'node:crypto';

/**
 * SHA-256 of a string, hex: how the store names what must not appear in it (ids, tokens, names).
 * The one-shot `hash` (Node ≥ 20.12): 0.25 µs against createHash's 0.63, and every request
 * hashes its session token.
 */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');
