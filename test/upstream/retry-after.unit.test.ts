import { describe, expect, it } from 'vitest';

import { parseRetryAfter } from '../../src/upstream/retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const inSeconds = (s: number) => new Date(NOW + s * 1000).toUTCString();

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7],
    [' 12 ', 12],
    ['60', 60],
    ['1.5', 2],
    ['0', 1],
    ['-1', 1],
    ['-30', 1],
    ['99999999', 60],
    ['1e3', 1],
    ['garbage', 1],
    ['', 1],
  ])('reads delta-seconds %j as %i s, clamped to 1..60', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('reads an HTTP date as the seconds until it', () => {
    expect(parseRetryAfter(inSeconds(30), NOW)).toBe(30);
  });

  it('clamps a far HTTP date to 60 s and a past one to 1 s', () => {
    expect(parseRetryAfter(inSeconds(3600), NOW)).toBe(60);
    expect(parseRetryAfter(inSeconds(-3600), NOW)).toBe(1);
  });

  it('waits 1 s when the header is absent', () => {
    expect(parseRetryAfter(undefined, NOW)).toBe(1);
    expect(parseRetryAfter(null, NOW)).toBe(1);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['9', '3'], NOW)).toBe(9);
  });
});

describe('parseRetryAfter date forms', () => {
  it('reads the obsolete RFC 850 and asctime forms as GMT', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 12:00:20 GMT', NOW)).toBe(20);
    expect(parseRetryAfter('Thu Jan  1 12:00:45 2026', NOW)).toBe(45);
  });

  it('refuses text that merely contains a number', () => {
    expect(parseRetryAfter('a 1', NOW)).toBe(1);
    expect(parseRetryAfter('tomorrow 2030', NOW)).toBe(1);
  });
});
