/** Whole seconds for a `Retry-After` header: rounded up, and never 0 (which means "now"). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
