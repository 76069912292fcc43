export const REDACTED = '[redacted]';

/** Replaces every occurrence of the secrets in a string (empty secrets ignored). */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.replaceAll(secret, REDACTED);
  return out;
}

/**
 * The vendor's 400 `details`, bounded and without the key: a careless vendor may echo the request
 * back. Anything that cannot be redacted safely, or is too big, is dropped (null) rather than risked.
 */
export function redactJson(value: unknown, secrets: readonly string[], maxChars: number): unknown {
  if (value === undefined) return null;
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return null;
  }
  // Inside JSON text a secret appears in its escaped form; a replacement that breaks the JSON fails parse.
  const escaped = secrets.filter((s) => s !== '').map((s) => JSON.stringify(s).slice(1, -1));
  const redacted = redactString(json, escaped);
  if (redacted.length > maxChars) return null;
  if (secrets.some((s) => s !== '' && redacted.includes(s))) return null;
  try {
    return JSON.parse(redacted) as unknown;
  } catch {
    return null;
  }
}
