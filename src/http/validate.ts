import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import { describeZodIssues, listProblems } from '../platform/zod-issues.js';
import { ApiError } from './errors.js';
import { inputSchema } from './openapi/schema-resolver.js';

/** VALIDATION_ERROR naming each field and what is wrong with it. */
export function invalidInput(
  error: { issues: readonly z.core.$ZodIssue[] },
  target: string,
  noun: string,
): ApiError {
  const details = describeZodIssues(error, target, noun);
  return new ApiError('VALIDATION_ERROR', `Invalid ${target}: ${listProblems(details)}`, { details });
}

/**
 * zod-validator with the app's hook: a failure is thrown as VALIDATION_ERROR, so the one error
 * handler writes it like every other error. The schema also rides on the middleware as a property
 * for hono-openapi, which reads it when /openapi.json is first built: nothing runs per request.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw invalidInput(result.error, target, 'parameter');
  });
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...inputSchema(schema) } });
}
