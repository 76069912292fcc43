import { cleanText, MAX_FIELD_CHARS } from './clean-text.js';
import { AUDIT_EVENTS, type AuditInput } from './audit-trail.js';

/**
 * A string that cleanText leaves as it is and JSON writes without an escape has none of these:
 * `"`, `\`, the characters cleanText escapes (C0/C1 controls, DEL, separators, bidi controls,
 * the BOM, any surrogate: a well-formed pair takes the slow path too, which handles it).
 */
// eslint-disable-next-line no-control-regex -- the point: find control characters
const NEEDS_WORK = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/;
/** What JSON.stringify escapes in a string. */
// eslint-disable-next-line no-control-regex -- the point: find control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const EVENT_JSON = new Map<string, string>(AUDIT_EVENTS.map((e) => [e, JSON.stringify(e)]));

/** JSON.stringify(cleanText(value)); most values need neither, and a regex scan is cheaper than both. */
function text(value: string): string {
  return value.length <= MAX_FIELD_CHARS && !NEEDS_WORK.test(value)
    ? `"${value}"`
    : JSON.stringify(cleanText(value));
}

function optionalText(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : text(value);
}

function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** As JSON.stringify writes a number. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? `${value}` : 'null';
}

let isoSecond = Number.NaN;
let isoSecondPrefix = '';

/**
 * new Date(ms).toISOString(), with the part up to the seconds kept from the last call: records
 * of one second share it. Only the common 24-character form is cached.
 */
export function isoTime(atMs: number): string {
  const ms = Math.trunc(atMs);
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(ms).toISOString();
    if (iso.length !== 24) return iso;
    isoSecond = second;
    isoSecondPrefix = iso.slice(0, 20);
    return iso;
  }
  const milli = ms - second * 1000;
  return `${isoSecondPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/**
 * The record of `input` as JSON, written field by field in a fixed order: byte for byte
 * JSON.stringify(buildAuditRecord(input, stamp)) (record-json.test.ts holds it to that), without
 * building the object or walking it generically. This one string is what the stream, the spool
 * and the request's log line carry.
 */
export function auditRecordJson(input: AuditInput, stamp: { id: string; atMs: number }): string {
  const { actor, query, outcome, client } = input;
  const itemCount =
    outcome.itemCount === null || !Number.isFinite(outcome.itemCount)
      ? 'null'
      : jsonNumber(Math.max(0, Math.trunc(outcome.itemCount)));
  const durationMs = Number.isFinite(input.durationMs)
    ? jsonNumber(Math.max(0, Math.round(input.durationMs)))
    : '0';
  const subject = input.subject ?? null;
  const subjectJson =
    subject === null
      ? 'null'
      : `{"userId":${optionalText(subject.userId)},"username":${optionalText(subject.username)}}`;
  const queryJson =
    query === null
      ? 'null'
      : `{"cursor":${optionalText(query.cursor)},"status":${optionalText(query.status)},"limit":${optionalText(query.limit)}}`;
  return (
    `{"id":${jsonString(stamp.id)},"at":"${isoTime(stamp.atMs)}","traceId":${text(input.traceId)}` +
    `,"event":${EVENT_JSON.get(input.event) ?? JSON.stringify(input.event)}` +
    `,"method":${optionalText(input.method)},"reason":${optionalText(input.reason)}` +
    `,"actor":{"userId":${optionalText(actor.userId)},"username":${optionalText(actor.username)}}` +
    `,"subject":${subjectJson}` +
    `,"accountGroupId":${optionalText(input.accountGroupId)},"query":${queryJson}` +
    `,"outcome":{"status":${jsonNumber(Math.trunc(outcome.status))},"code":${optionalText(outcome.code)}` +
    `,"cache":${optionalText(outcome.cache)},"itemCount":${itemCount}` +
    `,"upstreamTraceId":${optionalText(outcome.upstreamTraceId)}}` +
    `,"client":{"ip":${text(client.ip)},"userAgent":${optionalText(client.userAgent)}}` +
    `,"durationMs":${durationMs}}`
  );
}
