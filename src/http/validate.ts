import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { describeZodIssues, listProblems } from '../platform/zod-issues.js';
import { ApiError } from './errors.js';

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
 * handler writes it like every other error.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw invalidInput(result.error, target, 'parameter');
  });
}
