import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../src/http/errors.js';
import type { AppEnv } from '../../src/http/request-context.js';
import { validate } from '../../src/http/validate.js';

/** A route that answers what validation gave it, and the error code when it threw. */
function app() {
  const parsed = { param: 0, query: 0 };
  // Counts every parse the validator runs, valid or not.
  const counted = <T extends z.ZodType>(target: keyof typeof parsed, schema: T) =>
    z.preprocess((value) => {
      parsed[target] += 1;
      return value;
    }, schema);
  const hono = new Hono<AppEnv>()
    .get(
      '/g/:group',
      validate('param', counted('param', z.object({ group: z.string().regex(/^[a-z]+$/) }))),
      validate(
        'query',
        counted(
          'query',
          z.object({ limit: z.string().regex(/^\d+$/).transform(Number).optional() }).strict(),
        ),
      ),
      (c) => c.json({ ...c.req.valid('param'), ...c.req.valid('query') }),
    )
    .onError((error, c) => c.json({ code: error instanceof ApiError ? error.code : 'OTHER' }, 400));
  const get = async (path: string) => {
    const res = await hono.request(path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { get, parsed };
}

describe('validate remembers valid inputs by their raw text', () => {
  it('parses a repeated path and query once, and still tells different ones apart', async () => {
    const { get, parsed } = app();
    expect(await get('/g/alpha?limit=5')).toEqual({ status: 200, body: { group: 'alpha', limit: 5 } });
    expect(await get('/g/alpha?limit=5')).toEqual({ status: 200, body: { group: 'alpha', limit: 5 } });
    expect(parsed).toEqual({ param: 1, query: 1 });
    expect(await get('/g/beta?limit=7')).toEqual({ status: 200, body: { group: 'beta', limit: 7 } });
    expect(await get('/g/alpha')).toEqual({ status: 200, body: { group: 'alpha' } });
    expect(parsed).toEqual({ param: 2, query: 3 });
  });

  it('refuses an invalid input every time, after valid ones too', async () => {
    const { get, parsed } = app();
    expect((await get('/g/alpha?limit=5')).status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      expect(await get('/g/alpha?limit=five')).toEqual({ status: 400, body: { code: 'VALIDATION_ERROR' } });
      expect(await get('/g/Alpha?limit=5')).toEqual({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
    expect(parsed).toEqual({ param: 3, query: 3 });
  });

  it('stays right past the number of inputs it keeps', async () => {
    const { get } = app();
    for (let i = 0; i < 1100; i += 1) {
      expect((await get(`/g/alpha?limit=${i}`)).body).toEqual({ group: 'alpha', limit: i });
    }
    expect((await get('/g/alpha?limit=3')).body).toEqual({ group: 'alpha', limit: 3 });
  });
});
