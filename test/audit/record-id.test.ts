import { describe, expect, it } from 'vitest';
import { createRecordIds } from '../../src/audit/record-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp an id carries. */
const idMs = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('record ids', () => {
  it('a million are valid UUIDv7, strictly increasing (so unique and sorted), also when the clock steps back a little', () => {
    const next = createRecordIds();
    let now = Date.UTC(2025, 5, 1);
    let previous = '';
    let bad = 0;
    for (let i = 0; i < 1_000_000; i += 1) {
      if (i % 7 === 0) now += 1;
      // Now and then an NTP step back of a few ms.
      if (i % 100_003 === 0) now -= 5;
      const id = next(now);
      if (!(id > previous) || !V7.test(id)) bad += 1;
      previous = id;
    }
    expect(bad).toBe(0);
  });

  it('carries the clock millisecond, and runs into the next one when its counter runs out (2048+ ids in one ms)', () => {
    const next = createRecordIds();
    const at = Date.UTC(2025, 0, 31, 12, 0, 0, 5);
    const first = next(at);
    expect(idMs(first)).toBe(at);
    let last = first;
    for (let i = 0; i < 5000; i += 1) {
      const id = next(at);
      expect(id > last).toBe(true);
      last = id;
    }
    expect(idMs(last)).toBeGreaterThan(at);
    expect(idMs(last)).toBeLessThanOrEqual(at + 3);
    // Back on the clock once it catches up.
    expect(idMs(next(at + 10))).toBe(at + 10);
  });

  it('keeps increasing through a small step back, and restarts at the clock after a large one', () => {
    const next = createRecordIds({ rollbackMs: 10_000 });
    const at = Date.UTC(2025, 0, 1);
    const before = next(at);
    const small = next(at - 9_000);
    expect(small > before).toBe(true);
    expect(idMs(small)).toBe(at);
    const large = next(at - 60_000);
    expect(idMs(large)).toBe(at - 60_000);
  });

  it('draws random bits in bulk: one fill of the pool per few hundred ids', () => {
    let fills = 0;
    let counter = 0;
    const next = createRecordIds({
      random: (buffer) => {
        fills += 1;
        for (let i = 0; i < buffer.length; i += 1) buffer[i] = (counter += 37) & 0xff;
      },
    });
    for (let i = 0; i < 10_000; i += 1) next(Date.UTC(2025, 0, 1) + Math.floor(i / 5));
    expect(fills).toBeLessThanOrEqual(25);
  });

  it('gives two processes different ids for the same millisecond', () => {
    const at = Date.UTC(2025, 0, 1);
    expect(createRecordIds()(at)).not.toBe(createRecordIds()(at));
  });
});
