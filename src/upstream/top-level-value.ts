/**
 * The text of the value of `key` in a JSON object's top level, as it stands in `json`: a vendor
 * page's `data` can then be cached exactly as sent without JSON.stringify of what JSON.parse just
 * built (on a 50-item page stringify cost more than the parse). `json` must already have parsed,
 * so only strings and nesting need tracking. Undefined when the key is absent, or when a top-level
 * key uses an escape (the raw text could then name the key differently from the parsed object):
 * the caller falls back to stringify. So it does past MAX_DEPTH levels of nesting, which JSON.parse
 * accepts but stringify (and so a browser's parse of it) may not. A repeated key gives its last
 * value, as JSON.parse does.
 */
export function topLevelValueText(json: string, key: string): string | undefined {
  const wanted = JSON.stringify(key);
  let depth = 0;
  let found: string | undefined;
  let i = 0;
  const n = json.length;
  while (i < n) {
    const ch = json.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(json, i);
      if (depth === 1 && isKey(json, end)) {
        const raw = json.slice(i, end + 1);
        if (raw.includes('\\')) return undefined;
        if (raw === wanted) {
          const start = valueStart(json, end);
          const stop = valueEnd(json, start);
          if (stop < 0) return undefined;
          found = json.slice(start, stop);
          i = stop;
          continue;
        }
      }
      i = end + 1;
      continue;
    }
    if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth += 1;
    else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) depth -= 1;
    i += 1;
  }
  return found;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(json: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = json.indexOf('"', i);
    if (quote < 0) return json.length - 1;
    let slashes = 0;
    for (let j = quote - 1; json.charCodeAt(j) === BACKSLASH; j -= 1) slashes += 1;
    if (slashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

const isWhitespace = (ch: number) => ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;

/** A string is a key when a colon follows it. */
function isKey(json: string, end: number): boolean {
  let i = end + 1;
  while (isWhitespace(json.charCodeAt(i))) i += 1;
  return json.charCodeAt(i) === COLON;
}

function valueStart(json: string, keyEnd: number): number {
  let i = json.indexOf(':', keyEnd) + 1;
  while (isWhitespace(json.charCodeAt(i))) i += 1;
  return i;
}

const MAX_DEPTH = 512;

/** Index just past the value that starts at `start`; -1 when it nests deeper than MAX_DEPTH. */
function valueEnd(json: string, start: number): number {
  let depth = 0;
  let i = start;
  const n = json.length;
  while (i < n) {
    const ch = json.charCodeAt(i);
    if (ch === QUOTE) {
      i = stringEnd(json, i) + 1;
      if (depth === 0) return i;
      continue;
    }
    if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      depth += 1;
      if (depth > MAX_DEPTH) return -1;
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      if (depth === 0) return i;
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (ch === COMMA || isWhitespace(ch))) return i;
    i += 1;
  }
  return n;
}
