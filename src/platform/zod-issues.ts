import type { z } from 'zod';

/** One problem of a parsed input: where (a path like `users[2].accountGroups[0]`) and what. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Every problem zod found, in the same words for a query string, a login body, the environment
 * and the users file. `whole` names the input itself (for a problem with no path); `noun` is what
 * its keys are called (`field`, `parameter`, `variable`).
 */
export function describeZodIssues(
  error: { issues: readonly z.core.$ZodIssue[] },
  whole: string,
  noun = 'field',
): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: fieldPath(issue.path) || whole,
    message: describeIssue(issue, noun),
  }));
}

/** `field message; field message` — for an error message or a log line. */
export function listProblems(problems: readonly FieldProblem[], separator = '; '): string {
  return problems.map((p) => `${p.field} ${p.message}`).join(separator);
}

/** zod's own wording for a wrong type ("Invalid input: expected …") is for developers. */
const ZOD_DEFAULT = /^Invalid input/;

function describeIssue(issue: z.core.$ZodIssue, noun: string): string {
  if (issue.code === 'unrecognized_keys') return `unknown ${noun}(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && ZOD_DEFAULT.test(issue.message)) {
    if (issue.input === undefined) return 'is required';
    return issue.expected === 'array'
      ? 'must be a list'
      : `must be ${issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}`;
  }
  return issue.message;
}

/** ['users', 2, 'accountGroups', 0] → users[2].accountGroups[0] */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** `field: message`, one line each — for a configuration or a file at start-up. */
export function problemLines(problems: readonly FieldProblem[]): string[] {
  return problems.map((p) => `${p.field}: ${p.message}`);
}
