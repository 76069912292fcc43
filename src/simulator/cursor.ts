import { createHmac, timingSafeEqual } from 'node:crypto';

import type { ScanList } from './data.js';

/**
 * Opaque cursors, like the vendor's: base64url JSON `{o: offset, s: scope, h: mac}`. The scope ties a
 * cursor to one group + status filter; the HMAC makes a tampered or invented cursor fail.
 */
export interface CursorCodec {
  encode(list: ScanList, offset: number): string;
  decode(list: ScanList, cursor: string): { ok: true; offset: number } | { ok: false; reason: string };
}

// Well under the gateway's 1024-char bound: anything longer is not ours.
const MAX_CURSOR_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function parsePayload(cursor: string): { o: number; s: string; h: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { o, s, h } = value as Record<string, unknown>;
    if (typeof o !== 'number' || typeof s !== 'string' || typeof h !== 'string') return undefined;
    return { o, s, h };
  } catch {
    return undefined;
  }
}

/** The secret derives from the seed, so a restarted simulator with the same seed accepts old cursors. */
export function createCursorCodec(seed: number): CursorCodec {
  const secret = `signals-simulator-cursor:${seed}`;
  const mac = (scope: string, offset: number): string =>
    createHmac('sha256', secret).update(`${scope}:${offset}`).digest('base64url').slice(0, 22);

  return {
    encode(list, offset) {
      const payload = JSON.stringify({ o: offset, s: list.scope, h: mac(list.scope, offset) });
      return Buffer.from(payload, 'utf8').toString('base64url');
    },
    decode(list, cursor) {
      if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
        return { ok: false, reason: 'cursor is not a cursor this API issued' };
      }
      const payload = parsePayload(cursor);
      if (payload === undefined) return { ok: false, reason: 'cursor is not a cursor this API issued' };
      const expected = Buffer.from(mac(payload.s, payload.o));
      const given = Buffer.from(payload.h);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'cursor has been tampered with' };
      }
      if (payload.s !== list.scope) {
        return { ok: false, reason: 'cursor was issued for another account group or status filter' };
      }
      if (!Number.isInteger(payload.o) || payload.o < 1 || payload.o >= list.items.length) {
        return { ok: false, reason: 'cursor points outside the result set' };
      }
      return { ok: true, offset: payload.o };
    },
  };
}
