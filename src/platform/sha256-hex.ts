import { createHash } from 'node:crypto';

/** SHA-256 of a string, hex: how the store names what must not appear in it (ids, tokens, names). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
