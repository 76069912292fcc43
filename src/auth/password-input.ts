/** The longest password the login accepts (docs/api.md#password-login: over 1 KiB is refused before hashing). */
export const MAX_PASSWORD_BYTES = 1024;

/**
 * A password as `hash-password` reads it from stdin: one trailing line break is the end of the
 * input, not part of the password; empty, multi-line or over-long input is refused with a reason.
 */
export function passwordFromInput(
  raw: string,
): { ok: true; password: string } | { ok: false; problem: string } {
  const password = raw.replace(/\r?\n$/, '');
  if (password === '') return { ok: false, problem: 'the password is empty' };
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return {
      ok: false,
      problem: `the password is over ${MAX_PASSWORD_BYTES} bytes (the login refuses longer ones)`,
    };
  }
  if (/[\r\n]/.test(password))
    return { ok: false, problem: 'the password spans several lines: give one line' };
  return { ok: true, password };
}
