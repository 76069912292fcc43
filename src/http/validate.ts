import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.js';

/**
 * zod-validator with the app's hook: a failure is thrown as VALIDATION_ERROR, so the one error
 * handler writes it like every other error. Details name each field and what is wrong with it.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const details = result.error.issues.map((issue) => ({
        field:
          issue.path.length > 0
            ? issue.path.join('.')
            : issue.code === 'unrecognized_keys'
              ? issue.keys.join(',')
              : target,
        message: issue.code === 'unrecognized_keys' ? 'is not a known parameter' : issue.message,
      }));
      throw new ApiError(
        'VALIDATION_ERROR',
        `Invalid ${target}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
        {
          details,
        },
      );
    }
  });
}
