import { describe, expect, it } from 'vitest';
import { buildAuditRecord, parseAuditRecord } from '../../src/audit/record.js';
import { auditRecordJson, isoTime } from '../../src/audit/record-json.js';
import { AUDIT_EVENTS, type AuditInput } from '../../src/audit/audit-trail.js';

/** A seeded generator (mulberry32), so a failure is reproducible. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '"',
  '\\',
  '\\"',
  '\r\n',
  '\u0000',
  '\u001b[2J',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ud800',
  '\udfff',
  '🙂',
  '日本',
  'ü',
  '</script>',
  '{"event":"auth.login"}',
  '%0D%0A',
  '…[truncated 3 chars]',
];

function hostileText(random: () => number): string {
  const parts: string[] = [];
  const n = Math.floor(random() * 8);
  for (let i = 0; i < n; i += 1) {
    const roll = random();
    if (roll < 0.5) parts.push(HOSTILE[Math.floor(random() * HOSTILE.length)] ?? '');
    else if (roll < 0.9) parts.push('abcXYZ-_.:/ 0123'.slice(0, Math.floor(random() * 16)));
    else parts.push('x'.repeat(Math.floor(random() * 1500)));
  }
  return parts.join('');
}

function hostileInput(random: () => number): AuditInput {
  const maybe = () => (random() < 0.2 ? null : hostileText(random));
  const numbers = [0, -0, 1, 200, 503, 1.5, -3.7, 1e21, 2 ** 53 + 2, Number.NaN, Infinity, -Infinity];
  const number = () => numbers[Math.floor(random() * numbers.length)] ?? 0;
  const absent = () => random() < 0.3;
  return {
    event: AUDIT_EVENTS[Math.floor(random() * AUDIT_EVENTS.length)] ?? 'scans.list',
    traceId: hostileText(random),
    ...(absent() ? {} : { method: maybe() }),
    ...(absent() ? {} : { reason: maybe() }),
    actor: { userId: maybe(), username: maybe() },
    ...(absent() ? {} : { subject: random() < 0.3 ? null : { userId: maybe(), username: maybe() } }),
    accountGroupId: maybe(),
    query: random() < 0.3 ? null : { cursor: maybe(), status: maybe(), limit: maybe() },
    outcome: {
      status: number(),
      code: maybe(),
      cache: maybe(),
      itemCount: random() < 0.3 ? null : number(),
      upstreamTraceId: maybe(),
    },
    client: { ip: hostileText(random), userAgent: maybe() },
    durationMs: number(),
  };
}

describe('auditRecordJson', () => {
  it('is byte for byte JSON.stringify(buildAuditRecord(…)) over 5 000 records with hostile strings and odd numbers', () => {
    const random = seeded(12);
    const start = Date.UTC(2025, 2, 30, 23, 59, 58);
    const mismatches: string[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const input = hostileInput(random);
      const stamp = {
        id: `0195f0e2-${String(i).padStart(4, '0')}-7000-8000-000000000000`,
        atMs: start + i * 7,
      };
      const expected = JSON.stringify(buildAuditRecord(input, stamp));
      if (auditRecordJson(input, stamp) !== expected) mismatches.push(expected);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('writes a record the schema reads back as the record built', () => {
    const random = seeded(7);
    for (let i = 0; i < 500; i += 1) {
      const input = hostileInput(random);
      // Numbers the schema takes: the trail is given whole, safe ones.
      input.outcome.status = 200;
      input.outcome.itemCount = random() < 0.5 ? null : 20;
      input.durationMs = 3.4;
      const stamp = { id: '01890a5d-ac96-774b-bcce-b302099a8057', atMs: Date.UTC(2025, 0, 1) + i };
      expect(parseAuditRecord(auditRecordJson(input, stamp))).toEqual(buildAuditRecord(input, stamp));
    }
  });

  it('starts with the id, so a reader finds it without parsing', () => {
    const json = auditRecordJson(hostileInput(seeded(1)), {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      atMs: 0,
    });
    expect(
      json.startsWith('{"id":"01890a5d-ac96-774b-bcce-b302099a8057","at":"1970-01-01T00:00:00.000Z",'),
    ).toBe(true);
  });
});

describe('isoTime', () => {
  it('is toISOString, across second boundaries, out of order, before 1970 and past 9999', () => {
    const times = [
      0, 1, 999, 1000, 1001, -1, -1000, -1001, 1.9, -1.9, 253402300799999, 253402300800000, 8.64e15,
    ];
    const random = seeded(3);
    let t = Date.UTC(2025, 11, 31, 23, 59, 59, 990);
    for (let i = 0; i < 5000; i += 1) {
      t += Math.floor(random() * 5) - 1;
      times.push(t);
    }
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
