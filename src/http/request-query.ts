import type { Context } from 'hono';
import type { AppEnv } from './request-context.js';
import { createTextMemo } from './text-memo.js';

/** Each query parameter as sent: one value a string, a repeated one an array of its values. */
export type QueryValues = Record<string, string | string[]>;

/** Query strings seen before, decoded; 1000 distinct ones at most. */
const decoded = createTextMemo<Readonly<QueryValues>>(1000);

/**
 * The request's query, decoded once and kept on the request: the validator and the audit record
 * both read it, and each of Hono's `c.req.query(name)` would scan and decode the URL again. A
 * query string seen before is not decoded again either (frontends repeat the same few): the
 * values are frozen, shared by the requests that sent that string.
 */
export function requestQuery<E extends AppEnv>(c: Context<E>): Readonly<QueryValues> {
  const known = c.get('query');
  if (known !== undefined) return known;
  const text = queryString(c.req.url);
  const values = decoded(text, () => decodeQuery(text));
  c.set('query', values);
  return values;
}

/** What follows the `?` of a URL, still encoded. */
export function queryString(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

function decodeQuery(text: string): Readonly<QueryValues> {
  const values: QueryValues = Object.create(null) as QueryValues;
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = values[name];
    values[name] = seen === undefined ? value : typeof seen === 'string' ? [seen, value] : [...seen, value];
  }
  for (const value of Object.values(values)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(values);
}

/** A parameter's first value, as the audit record keeps what was sent even when it was repeated. */
export function firstValue(values: Readonly<QueryValues>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : value?.[0];
}
