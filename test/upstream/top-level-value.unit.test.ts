import { describe, expect, it } from 'vitest';
import { topLevelValueText } from '../../src/upstream/top-level-value.js';

/** What the gateway would cache either way: the raw text must parse to what stringify gives. */
function agrees(json: string, key: string): void {
  const text = topLevelValueText(json, key);
  const parsed = (JSON.parse(json) as Record<string, unknown>)[key];
  if (text === undefined) return;
  expect(JSON.parse(text)).toEqual(parsed);
}

describe('the raw text of a top-level value', () => {
  it('finds the data object exactly as sent, whatever comes before or after it', () => {
    const json =
      '{"success":true,"data":{"items":[{"id":"a","n":{"x":[1,2]}}],"nextCursor":null,"hasMore":false},"error":null,"traceId":"t"}';
    expect(topLevelValueText(json, 'data')).toBe(
      '{"items":[{"id":"a","n":{"x":[1,2]}}],"nextCursor":null,"hasMore":false}',
    );
  });

  it.each([
    ['a nested key of the same name', '{"meta":{"data":1},"data":{"items":[]}}'],
    ['braces and quotes inside strings', '{"data":{"items":[{"t":"}{\\"data\\":[]"}]},"x":"\\\\"}'],
    ['whitespace and newlines', '{ "data" :\n {"items" : [ ]} ,\n "x": 1 }'],
    ['a repeated key (the last one wins, as in JSON.parse)', '{"data":{"items":[1]},"data":{"items":[2]}}'],
    ['scalars', '{"data":"str","n":12.5e3,"b":true,"z":null}'],
    ['non-ASCII text', '{"data":{"items":[{"name":"Zürich ✓ \\u00e9"}]}}'],
  ])('%s', (_name, json) => {
    expect(topLevelValueText(json, 'data')).toBeDefined();
    agrees(json, 'data');
  });

  it('gives up past 512 levels of nesting, so the re-encoding decides', () => {
    const deep = (n: number) => `{"data":{"items":[${'['.repeat(n)}${']'.repeat(n)}]}}`;
    expect(topLevelValueText(deep(500), 'data')).toBeDefined();
    expect(topLevelValueText(deep(600), 'data')).toBeUndefined();
  });

  it('gives up (so the caller re-serialises) when a top-level key is escaped, or the key is absent', () => {
    expect(topLevelValueText('{"d\\u0061ta":{"items":[]}}', 'data')).toBeUndefined();
    expect(topLevelValueText('{"items":[]}', 'data')).toBeUndefined();
  });

  it('agrees with JSON.parse on 500 generated documents', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['a', '"', '\\', '{', '}', '[', ']', ':', ',', 'data', ' ', '\n', 'é', '😀'];
    const text = () =>
      Array.from({ length: Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)]).join(
        '',
      );
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.3)
        return [text(), Math.floor(next() * 1e6) / 100, true, null][Math.floor(next() * 4)];
      if (r < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, () => [text(), value(depth + 1)]),
      );
    };
    for (let i = 0; i < 500; i += 1) {
      const doc = { [text()]: value(1), data: value(1), [text()]: value(1) };
      const json = JSON.stringify(doc, null, next() < 0.5 ? 0 : 2);
      agrees(json, 'data');
    }
  });
});
