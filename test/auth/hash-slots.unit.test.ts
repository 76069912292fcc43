import { describe, expect, it } from 'vitest';
import { createHashSlots } from '../../src/auth/hash-slots.js';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('hash slots', () => {
  it('run at most `max` tasks at once and start the waiting ones in arrival order', async () => {
    const slots = createHashSlots(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([slots.inFlight, slots.waiting]).toEqual([2, 2]);

    gates[1]?.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    expect([slots.inFlight, slots.waiting]).toEqual([2, 1]);

    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect([slots.inFlight, slots.waiting]).toEqual([0, 0]);
  });

  it('free the slot of a task that fails', async () => {
    const slots = createHashSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
    expect(slots.inFlight).toBe(0);
  });

  it('refuse a bound below one', () => {
    expect(() => createHashSlots(0)).toThrow(RangeError);
  });
});
