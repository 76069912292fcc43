import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LOG_GAPS } from '../../src/store/log-marks.js';
import type { LogBatch, Store } from '../../src/store/store.js';
import { testPrefix } from '../helpers/redis.js';
import { listen } from '../helpers/subscription.js';

/**
 * What every Store must do, whatever is behind it. Keys carry one hash tag so that the suite
 * also runs on a Redis Cluster (a log and its writers' marks must share a slot).
 */
export function storeContract(name: string, make: () => Store) {
  describe(`the ${name} store`, () => {
    let store: Store;
    beforeAll(() => {
      store = make();
    });
    let prefix = testPrefix('store');
    const key = (part: string) => `${prefix}{contract}${part}`;

    beforeEach(async () => {
      prefix = testPrefix('store');
      expect(await store.ready(10_000)).toBe(true);
    });
    afterAll(async () => {
      await store.close();
    });

    it('gets what was set, and nothing after del', async () => {
      expect(await store.get(key('a'))).toBeNull();
      expect(await store.set(key('a'), 'one', { ttlMs: 10_000 })).toBe(true);
      expect(await store.get(key('a'))).toBe('one');
      await store.del(key('a'));
      expect(await store.get(key('a'))).toBeNull();
    });

    it('set with onlyIfAbsent does not overwrite', async () => {
      expect(await store.set(key('lock'), 'first', { ttlMs: 10_000, onlyIfAbsent: true })).toBe(true);
      expect(await store.set(key('lock'), 'second', { ttlMs: 10_000, onlyIfAbsent: true })).toBe(false);
      expect(await store.get(key('lock'))).toBe('first');
    });

    it('expires keys after their ttl', async () => {
      await store.set(key('short'), 'x', { ttlMs: 30 });
      await expect.poll(() => store.get(key('short')), { timeout: 2000, interval: 20 }).toBeNull();
    });

    it('take hands the value to one caller only, then the key is gone', async () => {
      await store.set(key('once'), 'tx', { ttlMs: 10_000 });
      const takers = await Promise.all([store.take(key('once')), store.take(key('once'))]);
      expect(takers.sort()).toEqual(['tx', null].sort());
      expect(await store.get(key('once'))).toBeNull();
      expect(await store.take(key('never'))).toBeNull();
    });

    it('a set keeps each member for its own ttl; members can be removed; del drops the set', async () => {
      await store.addToSet(key('set'), 'long', { ttlMs: 60_000 });
      await store.addToSet(key('set'), 'short', { ttlMs: 30 });
      await store.addToSet(key('set'), 'gone', { ttlMs: 60_000 });
      await store.removeFromSet(key('set'), ['gone', 'never-there']);
      await expect
        .poll(() => store.setMembers(key('set')), { timeout: 2000, interval: 20 })
        .toEqual(['long']);
      await store.addToSet(key('set'), 'long', { ttlMs: 60_000 });
      expect(await store.setMembers(key('set'))).toEqual(['long']);
      await store.del(key('set'));
      expect(await store.setMembers(key('set'))).toEqual([]);
      expect(await store.setMembers(key('no-set'))).toEqual([]);
    });

    it('delIfEquals deletes only while the value matches (a lock released by its holder)', async () => {
      await store.set(key('l'), 'token-1', { ttlMs: 10_000 });
      expect(await store.delIfEquals(key('l'), 'token-2')).toBe(false);
      expect(await store.get(key('l'))).toBe('token-1');
      expect(await store.delIfEquals(key('l'), 'token-1')).toBe(true);
      expect(await store.get(key('l'))).toBeNull();
    });

    it('incrWindow counts within one window and reports what is left of it', async () => {
      const first = await store.incrWindow(key('w'), 60_000);
      const second = await store.incrWindow(key('w'), 60_000);
      expect(first.count).toBe(1);
      expect(second.count).toBe(2);
      expect(second.ttlMs).toBeGreaterThan(0);
      expect(second.ttlMs).toBeLessThanOrEqual(60_000);
    });

    it('reserveSlot grants a burst at once, then slots in the future, then refuses past the max wait', async () => {
      const budget = { intervalMs: 1000, burst: 3 };
      const immediate = await Promise.all(
        [1, 2, 3].map(() => store.reserveSlot(key('b'), { ...budget, maxWaitMs: 0 })),
      );
      expect(immediate.every((r) => r.granted && r.waitMs === 0)).toBe(true);
      const refused = await store.reserveSlot(key('b'), { ...budget, maxWaitMs: 0 });
      expect(refused.granted).toBe(false);
      if (!refused.granted) expect(refused.retryAfterMs).toBeGreaterThan(0);
      const queued = await store.reserveSlot(key('b'), { ...budget, maxWaitMs: 5000 });
      expect(queued.granted).toBe(true);
      if (queued.granted) {
        expect(queued.waitMs).toBeGreaterThan(500);
        expect(queued.waitMs).toBeLessThanOrEqual(1000);
      }
      const next = await store.reserveSlot(key('b'), { ...budget, maxWaitMs: 5000 });
      if (next.granted && queued.granted) expect(next.waitMs).toBeGreaterThan(queued.waitMs);
    });

    it('a slot within the burst never waits, however close in time the calls come', async () => {
      // The second call of a burst of two reaches Redis a few µs after the first. Were the
      // budget's time kept to a tenth of a ms (Lua's tostring), it would wait for a slot it has.
      const budget = { intervalMs: 1000, burst: 2, maxWaitMs: 5000 };
      const bursts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          Promise.all([1, 2].map(() => store.reserveSlot(key(`burst${i}`), budget))),
        ),
      );
      const waits = bursts.flat().map((r) => (r.granted ? r.waitMs : -1));
      expect(waits.filter((w) => w !== 0)).toEqual([]);
    });

    it('reserveSlot: a full burst goes at once, the call past it waits its slot and the jitter', async () => {
      const budget = { intervalMs: 1000, burst: 2, maxWaitMs: 5000, jitterMs: 100 };
      const burst = await Promise.all([1, 2].map(() => store.reserveSlot(key('jitter'), budget)));
      expect(burst).toEqual([
        { granted: true, waitMs: 0 },
        { granted: true, waitMs: 0 },
      ]);
      const third = await store.reserveSlot(key('jitter'), budget);
      expect(third.granted).toBe(true);
      if (third.granted) {
        expect(third.waitMs).toBeGreaterThan(1000);
        expect(third.waitMs).toBeLessThanOrEqual(1100);
      }
      // Refused on the slot alone: the jitter does not count against RATE_MAX_WAIT_MS.
      const refused = await store.reserveSlot(key('jitter'), { ...budget, maxWaitMs: 1950 });
      expect(refused.granted).toBe(false);
      if (!refused.granted) expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
    });

    it('lockAndReserve reserves a slot only when it takes the lock', async () => {
      // Another hash tag for the budget: on a Cluster the two keys live in different slots.
      const lock = { key: key('lr:lock'), token: 'first', ttlMs: 10_000 };
      const slot = {
        key: `${prefix}{contract-budget}lr`,
        budget: { intervalMs: 1000, burst: 2, maxWaitMs: 0 },
      };
      expect(await store.lockAndReserve(lock, slot)).toEqual({
        locked: true,
        slot: { granted: true, waitMs: 0 },
      });
      expect(await store.get(lock.key)).toBe('first');
      expect(await store.lockAndReserve({ ...lock, token: 'second' }, slot)).toEqual({ locked: false });
      expect(await store.get(lock.key)).toBe('first');
      // The refused lock took no slot: the burst's second is still there, and then none.
      expect(await store.reserveSlot(slot.key, slot.budget)).toEqual({ granted: true, waitMs: 0 });
      expect((await store.reserveSlot(slot.key, slot.budget)).granted).toBe(false);
    });

    it('lockAndReserve takes the lock even when the slot is past the max wait', async () => {
      const slot = {
        key: `${prefix}{contract-budget}lr2`,
        budget: { intervalMs: 1000, burst: 1, maxWaitMs: 0 },
      };
      expect((await store.reserveSlot(slot.key, slot.budget)).granted).toBe(true);
      const taken = await store.lockAndReserve({ key: key('lr2:lock'), token: 't', ttlMs: 10_000 }, slot);
      expect(taken.locked).toBe(true);
      if (taken.locked) expect(taken.slot?.granted).toBe(false);
      expect(await store.get(key('lr2:lock'))).toBe('t');
    });

    it('setAndRelease stores the value and deletes the lock only while it holds the token', async () => {
      const lock = key('sr:lock');
      await store.set(lock, 'mine', { ttlMs: 10_000 });
      await store.setAndRelease(key('sr'), 'page-1', { ttlMs: 10_000 }, { key: lock, token: 'theirs' });
      expect(await store.get(key('sr'))).toBe('page-1');
      expect(await store.get(lock)).toBe('mine');
      await store.setAndRelease(key('sr'), 'page-2', { ttlMs: 10_000 }, { key: lock, token: 'mine' });
      expect(await store.get(key('sr'))).toBe('page-2');
      expect(await store.get(lock)).toBeNull();
    });

    it('takeTokens grants what fits now, up to the ask, then refuses with when one will', async () => {
      // A minute per call: however slow this machine, no call comes back before the test ends.
      const budget = { intervalMs: 60_000, burst: 5 };
      const first = await store.takeTokens(key('t'), { ...budget, want: 3 });
      expect(first).toMatchObject({ granted: 3, retryAfterMs: 0 });
      expect(first.aheadMs).toBeGreaterThan(179_000);
      expect(first.aheadMs).toBeLessThanOrEqual(180_000);
      expect((await store.takeTokens(key('t'), { ...budget, want: 3 })).granted).toBe(2);
      const refused = await store.takeTokens(key('t'), { ...budget, want: 3 });
      expect(refused.granted).toBe(0);
      expect(refused.retryAfterMs).toBeGreaterThan(59_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      // The budget shared with reserveSlot: the same GCRA state.
      expect((await store.reserveSlot(key('t'), { ...budget, maxWaitMs: 0 })).granted).toBe(false);
    });

    it('pauseSlots pushes every slot at least the pause away', async () => {
      const budget = { intervalMs: 100, burst: 5 };
      await store.pauseSlots(key('p'), { ...budget, pauseMs: 3000 });
      const refused = await store.reserveSlot(key('p'), { ...budget, maxWaitMs: 1000 });
      expect(refused.granted).toBe(false);
      if (!refused.granted) expect(refused.retryAfterMs).toBeGreaterThan(2000);
      const waited = await store.reserveSlot(key('p'), { ...budget, maxWaitMs: 5000 });
      expect(waited.granted).toBe(true);
      if (waited.granted) expect(waited.waitMs).toBeGreaterThan(2000);
    });

    const logOptions = { maxLen: 1000, writerTtlMs: 60_000 };
    const batch = (writer: string, seq: number, ...ns: number[]): LogBatch => ({
      writer,
      seq,
      entries: ns.map((n) => JSON.stringify({ n })),
    });
    const landed = async (...args: Parameters<Store['appendLog']>) => (await store.appendLog(...args)).landed;
    async function logNumbers(): Promise<number[]> {
      const seen: number[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.readLog(key('log'), {
          count: 3,
          ...(before === undefined ? {} : { before }),
        });
        if (page.length === 0) return seen.reverse();
        seen.push(...page.map((e) => (JSON.parse(e.json) as { n: number }).n));
        before = page[page.length - 1]?.position;
      }
    }

    it('appendLog lands whole batches and readLog pages newest first', async () => {
      expect(await landed(key('log'), batch('w1', 1, 0, 1, 2), logOptions)).toBe(true);
      expect(await landed(key('log'), batch('w2', 1, 3), logOptions)).toBe(true);
      expect(await landed(key('log'), batch('w1', 2, 4, 5, 6), logOptions)).toBe(true);
      expect(await logNumbers()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it('appendLog refuses a batch that arrives after a later one of its writer', async () => {
      expect(await landed(key('log'), batch('w', 2, 2), logOptions)).toBe(true);
      expect(await landed(key('log'), batch('w', 1, 1), logOptions)).toBe(false);
      expect(await landed(key('log'), batch('w', 2, 2), logOptions)).toBe(false);
      expect(await landed(key('log'), batch('w', 3, 3), logOptions)).toBe(true);
      expect(await logNumbers()).toEqual([2, 3]);
    });

    it('redeliverLog lands a batch once: not when appendLog landed it, once however often redelivered', async () => {
      await store.appendLog(key('log'), batch('w', 1, 1), logOptions);
      await store.appendLog(key('log'), batch('w', 2, 2), logOptions);
      // Batch 3 never reached the store (its write failed): 4 lands, 3 goes to a spool.
      await store.appendLog(key('log'), batch('w', 4, 4), logOptions);
      const spooled = [batch('w', 2, 2), batch('w', 3, 3, 33)];
      expect(await store.redeliverLog(key('log'), spooled, logOptions)).toEqual({
        appended: 2,
        skipped: 1,
        uncertain: 0,
        replicas: 0,
      });
      expect(await store.redeliverLog(key('log'), spooled, logOptions)).toEqual({
        appended: 0,
        skipped: 3,
        uncertain: 0,
        replicas: 0,
      });
      // Redelivered before its live write arrives (it was slow): the late write is refused.
      expect(await store.redeliverLog(key('log'), [batch('w', 5, 5)], logOptions)).toMatchObject({
        appended: 1,
      });
      expect(await landed(key('log'), batch('w', 5, 5), logOptions)).toBe(false);
      expect(await landed(key('log'), batch('w', 6, 6), logOptions)).toBe(true);
      // Several writers in one call, each by its own mark.
      expect(
        await store.redeliverLog(
          key('log'),
          [batch('w', 6, 6), batch('v', 1, 7), batch('w', 4, 4)],
          logOptions,
        ),
      ).toEqual({ appended: 1, skipped: 2, uncertain: 0, replicas: 0 });
      expect(await logNumbers()).toEqual([1, 2, 4, 3, 33, 5, 6, 7]);
    });

    it(`a writer's mark keeps ${MAX_LOG_GAPS} skipped ranges: older ones land again, counted as uncertain`, async () => {
      // Every odd batch fails: each lands a range of one skipped number in the mark.
      for (let seq = 2; seq <= 2 * (MAX_LOG_GAPS + 10); seq += 2) {
        await store.appendLog(key('log'), batch('w', seq, seq), logOptions);
      }
      const oldest = await store.redeliverLog(key('log'), [batch('w', 1, 1), batch('w', 2, 2)], logOptions);
      expect(oldest).toEqual({ appended: 2, skipped: 0, uncertain: 2, replicas: 0 });
      const recent = await store.redeliverLog(
        key('log'),
        [batch('w', 2 * MAX_LOG_GAPS + 1, -1), batch('w', 2 * MAX_LOG_GAPS + 2, -2)],
        logOptions,
      );
      expect(recent).toEqual({ appended: 1, skipped: 1, uncertain: 0, replicas: 0 });
      // Exactly MAX_LOG_GAPS kept: of the MAX_LOG_GAPS + 10 skipped numbers 1, 3, 5…, the ten
      // oldest (1…19) are forgotten and 21 is the oldest still known.
      const edge = await store.redeliverLog(key('log'), [batch('w', 19, -3)], logOptions);
      expect(edge).toMatchObject({ appended: 1, uncertain: 1 });
      const kept = await store.redeliverLog(key('log'), [batch('w', 21, -4)], logOptions);
      expect(kept).toMatchObject({ appended: 1, uncertain: 0 });
    });

    it('publish reaches every subscriber that is up, on its channel only, and none once closed', async () => {
      const channel = key('events');
      const one = listen(store, channel);
      const two = listen(store, channel);
      const elsewhere = listen(store, key('other'));
      await Promise.all([one.up(), two.up(), elsewhere.up()]);

      await store.publish(channel, 'first');
      await store.publish(channel, 'second');
      // Both, in either order: a Cluster sends each PUBLISH to some node and relays it over its bus,
      // so two from one client may arrive swapped (seen under load).
      expect([await one.next(), await one.next()].sort()).toEqual(['first', 'second']);
      expect([await two.next(), await two.next()].sort()).toEqual(['first', 'second']);

      await one.subscription.close();
      await store.publish(key('other'), 'marker');
      await store.publish(channel, 'third');
      expect(await elsewhere.next()).toBe('marker');
      expect(await two.next()).toBe('third');
      expect([...one.heard].sort()).toEqual(['first', 'second']);
      expect(elsewhere.heard).toEqual(['marker']);
      await Promise.all([two.subscription.close(), elsewhere.subscription.close()]);
    });

    it('publish without subscribers succeeds', async () => {
      await expect(store.publish(key('nobody'), 'x')).resolves.toBeUndefined();
    });

    it('ping answers while the store is up', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
