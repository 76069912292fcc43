/** Bounds on how long the gateway honours a vendor's `Retry-After` (docs/cache-and-rate.md#vendor-429). */
export const RETRY_AFTER_MIN_S = 1;
export const RETRY_AFTER_MAX_S = 60;

const NUMBER = /^\s*[+-]?\d+(\.\d+)?\s*$/;
// The three HTTP-date forms (RFC 9110 §5.6.7); V8's Date.parse alone accepts nearly anything ('a 1').
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP date, clamped to 1..60.
 * Absent, garbage, zero, negative or past values give 1: a vendor that said 429 wants at least a
 * pause, and a typo on its side must neither stop every instance for days nor cause a hot loop.
 * `now` is epoch ms (the date form is measured against it).
 */
export function parseRetryAfter(value: string | readonly string[] | null | undefined, now: number): number {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return RETRY_AFTER_MIN_S;
  // Numbers first: Date.parse('-1') or Date.parse('5') are valid dates in V8.
  if (NUMBER.test(raw)) return clamp(Math.ceil(Number(raw)));
  const at = parseHttpDate(raw.trim());
  if (at === undefined) return RETRY_AFTER_MIN_S;
  return clamp(Math.ceil((at - now) / 1000));
}

function parseHttpDate(text: string): number | undefined {
  let at = NaN;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) at = Date.parse(text);
  // asctime carries no zone; HTTP dates are always GMT.
  else if (ASCTIME_DATE.test(text)) at = Date.parse(`${text} GMT`);
  return Number.isNaN(at) ? undefined : at;
}

function clamp(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < RETRY_AFTER_MIN_S) return RETRY_AFTER_MIN_S;
  return Math.min(seconds, RETRY_AFTER_MAX_S);
}
