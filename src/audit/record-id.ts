import { randomFillSync } from 'node:crypto';

/** Two hex digits per byte value. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Three hex digits per 12-bit counter value: the counter fills `rand_a` whole. */
const HEX3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

/** Random bytes drawn in one call per this many: 8 per id, so one crypto call per 512 ids. */
const POOL_BYTES = 4096;
/** A new millisecond starts its counter below this, leaving at least 2048 ids for that ms. */
const COUNTER_SEED_SPAN = 2048;
const COUNTER_MAX = 4095;

export interface RecordIdOptions {
  /** A clock stepping back more than this restarts the sequence rather than stalling it. @default 10_000 */
  rollbackMs?: number;
  /** Fills a buffer with random bytes. @default crypto.randomFillSync */
  random?: (buffer: Uint8Array) => void;
}

/**
 * UUIDv7 record ids (RFC 9562 §5.7 with the fixed-length counter of §6.2, method 1): 48 bits of
 * Unix milliseconds, a 12-bit counter in `rand_a` seeded at random each millisecond, and 62
 * random bits in `rand_b`. Ids of one process strictly increase, also when the clock steps back
 * by up to `rollbackMs` (the last millisecond is kept and its counter runs on) and when 2048+ ids
 * share a millisecond (the counter overflows into the next one). Random bits come from a pool
 * refilled in bulk, so an id costs no crypto call of its own; `rand_b` keeps ids of different
 * processes apart.
 */
export function createRecordIds(options: RecordIdOptions = {}): (nowMs: number) => string {
  const rollbackMs = options.rollbackMs ?? 10_000;
  const random = options.random ?? ((buffer: Uint8Array) => randomFillSync(buffer));
  const pool = new Uint8Array(POOL_BYTES);
  let used = POOL_BYTES;
  let lastMs = -Infinity;
  let counter = 0;
  /** "tttttttt-tttt-7" of lastMs: the same for every id of one millisecond. */
  let head = '';

  const byte = (): number => {
    if (used === POOL_BYTES) {
      random(pool);
      used = 0;
    }
    const value = pool[used] ?? 0;
    used += 1;
    return value;
  };

  const startMs = (ms: number): void => {
    lastMs = ms;
    counter = ((byte() << 8) | byte()) % COUNTER_SEED_SPAN;
    const hex = ms.toString(16).padStart(12, '0');
    head = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7`;
  };

  return function nextRecordId(nowMs: number): string {
    const ms = Math.max(0, Math.min(Math.floor(nowMs), 0xffff_ffff_ffff));
    if (ms > lastMs || ms < lastMs - rollbackMs) startMs(ms);
    else if (counter < COUNTER_MAX) counter += 1;
    else startMs(lastMs + 1);
    const variant = HEX2[0x80 | (byte() & 0x3f)] ?? '80';
    let tail = '';
    for (let i = 0; i < 6; i += 1) tail += HEX2[byte()] ?? '00';
    return `${head}${HEX3[counter] ?? '000'}-${variant}${HEX2[byte()] ?? '00'}-${tail}`;
  };
}
