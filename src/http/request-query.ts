import type { Context } from 'hono';
import type { AppEnv } from './request-context.js';

/** Each query parameter as sent: one value a string, a repeated one an array of its values. */
export type QueryValues = Record<string, string | string[]>;

/**
 * The request's query, decoded once and kept on the request: the validator and the audit record
 * both read it, and each of Hono's `c.req.query(name)` would scan and decode the URL again.
 */
export function requestQuery<E extends AppEnv>(c: Context<E>): QueryValues {
  const known = c.get('query');
  if (known !== undefined) return known;
  const url = c.req.url;
  const at = url.indexOf('?');
  const values: QueryValues = Object.create(null) as QueryValues;
  if (at >= 0) {
    for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
      const seen = values[name];
      values[name] = seen === undefined ? value : typeof seen === 'string' ? [seen, value] : [...seen, value];
    }
  }
  c.set('query', values);
  return values;
}

/** A parameter's first value, as the audit record keeps what was sent even when it was repeated. */
export function firstValue(values: QueryValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : value?.[0];
}
