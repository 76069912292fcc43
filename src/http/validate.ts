import type { MiddlewareHandler } from 'hono';
import { uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import { describeZodIssues, listProblems } from '../platform/zod-issues.js';
import { ApiError } from './errors.js';
import { inputSchema } from './openapi/schema-resolver.js';
import type { AppEnv } from './request-context.js';
import { queryString, requestQuery } from './request-query.js';
import { createTextMemo } from './text-memo.js';

/** VALIDATION_ERROR naming each field and what is wrong with it. */
export function invalidInput(
  error: { issues: readonly z.core.$ZodIssue[] },
  target: string,
  noun: string,
): ApiError {
  const details = describeZodIssues(error, target, noun);
  return new ApiError('VALIDATION_ERROR', `Invalid ${target}: ${listProblems(details)}`, { details });
}

type Validated<Target extends string, T extends z.ZodType> = {
  in: { [K in Target]: z.input<T> };
  out: { [K in Target]: z.output<T> };
};

/** Distinct valid inputs a validator remembers. */
const MEMO_ENTRIES = 1000;

/**
 * Validates the path parameters or the query with `schema`; a failure is thrown as
 * VALIDATION_ERROR, so the one error handler writes it like every other error. The query is the
 * request's decoded once (request-query.ts): a repeated parameter is an array. The schema also
 * rides on the middleware as the property hono-openapi reads when /openapi.json is first built.
 *
 * A valid input's result is remembered under the raw text it came from (the route's path, or the
 * query string): frontends ask for the same few pages again and again, and parsing with zod was
 * 3 µs of each cache hit. The result is frozen, being shared by the requests that sent that text.
 */
export function validate<
  T extends z.ZodType,
  Target extends 'param' | 'query',
  E extends AppEnv,
  P extends string,
>(target: Target, schema: T): MiddlewareHandler<E, P, Validated<Target, T>> {
  const valid = createTextMemo<object>(MEMO_ENTRIES);
  // Not async: nothing runs after next(), so a valid request costs no frame of its own.
  const middleware: MiddlewareHandler<E, P, Validated<Target, T>> = (c, next) => {
    const text = target === 'param' ? c.req.path : queryString(c.req.url);
    const data = valid(text, () => {
      const result = schema.safeParse(target === 'param' ? c.req.param() : requestQuery(c));
      if (!result.success) throw invalidInput(result.error, target, 'parameter');
      return Object.freeze(result.data as object);
    });
    c.req.addValidatedData(target, data);
    return next();
  };
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...inputSchema(schema) } });
}
