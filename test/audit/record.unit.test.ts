import { describe, expect, it } from 'vitest';
import { cleanText, MAX_FIELD_CHARS } from '../../src/audit/clean-text.js';
import { AuditRecordSchema, buildAuditRecord } from '../../src/audit/record.js';
import type { AuditInput } from '../../src/audit/audit-trail.js';

const input = (over: Partial<AuditInput> = {}): AuditInput => ({
  event: 'scans.list',
  traceId: 'a'.repeat(32),
  actor: { userId: 'u_alice', username: 'alice' },
  accountGroupId: 'grp_a',
  query: { cursor: null, status: 'queued', limit: '10' },
  outcome: { status: 200, code: null, cache: 'MISS', itemCount: 10, upstreamTraceId: 'up-1' },
  client: { ip: '127.0.0.1', userAgent: 'curl/8' },
  durationMs: 12.6,
  ...over,
});

describe('audit record text', () => {
  it('keeps ordinary text as it is', () => {
    expect(cleanText('alice ü 日本 🙂')).toBe('alice ü 日本 🙂');
  });

  it('turns CR, LF, ESC, DEL, C1, separators and bidi overrides into visible escapes', () => {
    const dirty = 'a\r\nb\u001b[31mred\u007f\u0085\u2028\u202e\u2066\ufeff';
    const clean = cleanText(dirty);
    expect(clean).toBe('a\\u000d\\u000ab\\u001b[31mred\\u007f\\u0085\\u2028\\u202e\\u2066\\ufeff');
    // eslint-disable-next-line no-control-regex -- the point: no raw control character is left
    expect(clean).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('escapes a lone surrogate but keeps a well-formed pair', () => {
    expect(cleanText('x\ud800y🙂')).toBe('x\\ud800y🙂');
  });

  it('caps a 100 KB value at about 1 KiB with a marker saying how much was cut', () => {
    const clean = cleanText('x'.repeat(100_000));
    expect(clean.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(clean).toMatch(/…\[truncated \d+ chars\]$/);
    expect(clean).toContain(`truncated ${100_000 - clean.indexOf('…')} chars`);
  });

  it('never cuts an escape in half when capping', () => {
    const clean = cleanText('\u001b'.repeat(5000));
    expect(clean.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(clean.slice(0, clean.indexOf('…'))).toMatch(/^(\\u001b)+$/);
  });

  it('caps a value that only grows past the limit once escaped', () => {
    const clean = cleanText('\n'.repeat(300));
    expect(clean.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(clean).toContain('truncated');
  });
});

describe('buildAuditRecord', () => {
  it('makes a valid record with the id, a UTC time with milliseconds and whole numbers', () => {
    const record = buildAuditRecord(input(), {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      atMs: Date.UTC(2025, 0, 31, 12, 0, 0, 5),
    });
    expect(AuditRecordSchema.parse(record)).toEqual(record);
    expect(record.at).toBe('2025-01-31T12:00:00.005Z');
    expect(record.durationMs).toBe(13);
    expect(record.outcome).toEqual({
      status: 200,
      code: null,
      cache: 'MISS',
      itemCount: 10,
      upstreamTraceId: 'up-1',
    });
  });

  it('escapes and caps every string field, so the record stays one short JSON line', () => {
    const evil = `\r\n{"forged":true}\u001b[2J${'z'.repeat(100_000)}`;
    const record = buildAuditRecord(
      input({
        actor: { userId: evil, username: evil },
        accountGroupId: evil,
        query: { cursor: evil, status: evil, limit: evil },
        outcome: { status: 400, code: evil, cache: evil, itemCount: null, upstreamTraceId: evil },
        client: { ip: evil, userAgent: evil },
        traceId: evil,
      }),
      { id: '01890a5d-ac96-774b-bcce-b302099a8057', atMs: 0 },
    );
    const line = JSON.stringify(record);
    // eslint-disable-next-line no-control-regex -- the point: no raw control character is left
    expect(line).not.toMatch(/[\r\n\u001b]/);
    expect(line).not.toContain('\\n');
    expect(line.length).toBeLessThan(16 * 1100);
    expect(AuditRecordSchema.safeParse(record).success).toBe(true);
  });
});
