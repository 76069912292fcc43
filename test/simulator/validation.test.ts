import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator } from '../../src/simulator/simulator.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { getScans } from './fixture.js';

describe('simulator query validation', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ itemsPerGroup: 50 });
  });
  afterAll(() => sim.close());

  async function expect400(group: string, query: Record<string, string>, field: string): Promise<string> {
    const { status, body } = await getScans(sim, group, query);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      success: false,
      data: null,
      error: { code: 'VALIDATION_ERROR', details: field },
    });
    expect(body.error?.message).not.toMatch(/Thanks for the context/);
    return body.error?.message ?? '';
  }

  it.each(['0', '101', 'abc', '1.5', '-1', '+5', ' 5', '1e1', '0x10', ''])(
    'limit=%j gets 400 naming limit',
    async (limit) => {
      const message = await expect400('grp_a', { limit }, 'limit');
      expect(message).toContain('1 to 100');
    },
  );

  it('limit 1 and 100 are accepted, and 20 is the default', async () => {
    expect((await getScans(sim, 'grp_a', { limit: '1' })).body.data?.items).toHaveLength(1);
    expect((await getScans(sim, 'grp_a', { limit: '100' })).body.data?.items).toHaveLength(50);
    expect((await getScans(sim, 'grp_a')).body.data?.items).toHaveLength(20);
  });

  it('an unknown status gets 400 listing the lifecycle statuses', async () => {
    const message = await expect400('grp_a', { status: 'done' }, 'status');
    expect(message).toContain('queued, running, completed, failed, cancelled');
  });

  it.each(['!!!', 'abc', 'eyJvIjoyfQ', 'x'.repeat(2000)])(
    'a garbage cursor %#  gets 400 naming cursor',
    async (cursor) => {
      await expect400('grp_a', { cursor }, 'cursor');
    },
  );

  it('a tampered cursor gets 400', async () => {
    const cursor = (await getScans(sim, 'grp_a', { limit: '5' })).body.data?.nextCursor ?? '';
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { o: number };
    const tampered = Buffer.from(JSON.stringify({ ...payload, o: 40 })).toString('base64url');
    expect(await expect400('grp_a', { cursor: tampered }, 'cursor')).toContain('tampered');
  });

  it('a cursor from another group or another status filter gets 400', async () => {
    const fromA = (await getScans(sim, 'grp_a', { limit: '5' })).body.data?.nextCursor ?? '';
    expect(await expect400('grp_b', { cursor: fromA }, 'cursor')).toContain('another account group');
    await expect400('grp_a', { cursor: fromA, status: 'completed' }, 'cursor');
    const completed =
      (await getScans(sim, 'grp_a', { limit: '1', status: 'completed' })).body.data?.nextCursor ?? '';
    await expect400('grp_a', { cursor: completed }, 'cursor');
  });

  it('an implausible account group id gets 400', async () => {
    await expect400('a'.repeat(65), {}, 'accountGroupId');
    await expect400('grp%20a', {}, 'accountGroupId');
  });

  it('unknown query parameters are ignored, like a lenient vendor', async () => {
    const { status, body } = await getScans(sim, 'grp_a', { limit: '3', foo: 'bar', sort: 'asc' });
    expect(status).toBe(200);
    expect(body.data?.items).toHaveLength(3);
  });
});
