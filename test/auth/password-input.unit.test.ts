import { describe, expect, it } from 'vitest';
import { passwordFromInput } from '../../src/auth/password-input.js';

/** What `npm run -s hash-password` makes of its stdin, before any hashing. */
describe('the piped password', () => {
  it.each([
    ['an empty password', '\n', /empty/],
    ['nothing at all', '', /empty/],
    ['a password over 1 KiB', `${'x'.repeat(1025)}\n`, /over 1024 bytes/],
    ['a password over 1 KiB in UTF-8 bytes', `${'€'.repeat(342)}`, /over 1024 bytes/],
    ['several lines', 'one\ntwo\n', /one line/],
  ])('refuses %s', (_name, input, message) => {
    const read = passwordFromInput(input);
    expect(read.ok ? '' : read.problem).toMatch(message);
  });

  it.each([
    ['pw\n', 'pw'],
    ['pw\r\n', 'pw'],
    ['pw', 'pw'],
    ['pw\n\n', null],
    [' spaced out ', ' spaced out '],
    ['x'.repeat(1024), 'x'.repeat(1024)],
  ])('reads %j as %j', (input, expected) => {
    const read = passwordFromInput(input);
    expect(read.ok ? read.password : null).toBe(expected);
  });
});
