import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/audit/group-commit.js';

/** A commit function whose calls the test settles by hand. */
function manualCommits() {
  const calls: { items: string[]; settle: (ok: boolean) => void }[] = [];
  const commit = (items: string[]) =>
    new Promise<number>((resolve, reject) => {
      calls.push({ items, settle: (ok) => (ok ? resolve(calls.length) : reject(new Error('down'))) });
    });
  return { calls, commit };
}

describe('group commit', () => {
  it('runs at most maxInFlight commits; what arrives meanwhile goes together in the next one', async () => {
    const { calls, commit } = manualCommits();
    const group = createGroupCommit(commit, { maxInFlight: 2 });
    const a = group.submit('a');
    const b = group.submit('b');
    const rest = ['c', 'd', 'e'].map((x) => group.submit(x));
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b']]);
    calls[1]?.settle(true);
    await expect(b).resolves.toBe(2);
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    calls[0]?.settle(true);
    calls[2]?.settle(true);
    await expect(a).resolves.toBe(3);
    await expect(Promise.all(rest)).resolves.toEqual([3, 3, 3]);
  });

  it("settles each submit with its own batch's failure only", async () => {
    const { calls, commit } = manualCommits();
    const group = createGroupCommit(commit, { maxInFlight: 2 });
    const a = group.submit('a');
    const b = group.submit('b');
    calls[0]?.settle(false);
    calls[1]?.settle(true);
    await expect(a).rejects.toThrow('down');
    await expect(b).resolves.toBe(2);
  });

  it('is idle only when nothing is queued or in flight', async () => {
    const { calls, commit } = manualCommits();
    const group = createGroupCommit(commit, { maxInFlight: 1, maxBatch: 2 });
    const all = ['a', 'b', 'c', 'd'].map((x) => group.submit(x));
    let idle = false;
    const idlePromise = group.idle.then(() => (idle = true));
    calls[0]?.settle(true);
    await all[0];
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c']]);
    expect(idle).toBe(false);
    calls[1]?.settle(true);
    await all[1];
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(idle).toBe(false);
    calls[2]?.settle(true);
    await idlePromise;
    expect(idle).toBe(true);
    await expect(group.idle).resolves.toBeUndefined();
  });
});
