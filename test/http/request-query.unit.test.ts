import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/request-context.js';
import { requestQuery } from '../../src/http/request-query.js';

describe('requestQuery', () => {
  const app = new Hono<AppEnv>().get('/q', (c) => {
    const first = requestQuery(c);
    return c.json({ values: first, again: requestQuery(c) === first, frozen: Object.isFrozen(first) });
  });
  const query = async (search: string) =>
    (await (await app.request(`/q${search}`)).json()) as { values: unknown; again: boolean; frozen: boolean };

  it('decodes each parameter once per request: one value a string, a repeated one an array', async () => {
    expect(await query('?limit=5&status=a&status=b&cursor=x%2By')).toEqual({
      values: { limit: '5', status: ['a', 'b'], cursor: 'x+y' },
      again: true,
      frozen: true,
    });
  });

  it('gives a query string seen before the same values, and a different one its own', async () => {
    expect((await query('?limit=5')).values).toEqual({ limit: '5' });
    expect((await query('?limit=5')).values).toEqual({ limit: '5' });
    expect((await query('?limit=6')).values).toEqual({ limit: '6' });
    expect((await query('')).values).toEqual({});
  });
});
