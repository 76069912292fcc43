/** About 1 KiB per field: enough for any honest value, small enough that no field can flood the log. */
export const MAX_FIELD_CHARS = 1024;

/** Room kept for the truncation marker, so a capped value still fits in MAX_FIELD_CHARS. */
const MARKER_ROOM = 40;

/**
 * Characters a terminal or log viewer may act on rather than show: C0 controls (CR, LF, ESC…),
 * DEL and C1 controls, Unicode line/paragraph separators, bidirectional overrides (which can
 * make a line read differently from what it holds) and the BOM.
 */
function isUnsafe(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff ||
    // A lone surrogate (a well-formed pair arrives as one two-unit code point).
    (code >= 0xd800 && code <= 0xdfff)
  );
}

function visible(char: string): string {
  if (char.length === 1 && isUnsafe(char.charCodeAt(0))) {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return char;
}

/** Escapes code points into at most `budget` characters; `consumed` counts the input units used. */
function escapeInto(value: string, budget: number): { text: string; consumed: number } {
  let text = '';
  let consumed = 0;
  for (const char of value) {
    const piece = visible(char);
    if (text.length + piece.length > budget) break;
    text += piece;
    consumed += char.length;
  }
  return { text, consumed };
}

/**
 * The stored form of every string in an audit record: unsafe characters replaced by a visible
 * `\uXXXX` (so the value itself, not only its JSON encoding, is inert in any viewer) and capped
 * at `max` characters with a marker saying how much was cut. Escapes are never cut in half.
 */
export function cleanText(value: string, max = MAX_FIELD_CHARS): string {
  let safe = value.length <= max;
  for (let i = 0; safe && i < value.length; i += 1) safe = !isUnsafe(value.charCodeAt(i));
  if (safe) return value;

  const whole = escapeInto(value, max);
  if (whole.consumed === value.length) return whole.text;
  const head = escapeInto(value, max - MARKER_ROOM);
  return `${head.text}…[truncated ${value.length - head.consumed} chars]`;
}

/** cleanText for optional values. */
export function cleanOptional(value: string | null | undefined, max = MAX_FIELD_CHARS): string | null {
  return value === null || value === undefined ? null : cleanText(value, max);
}
