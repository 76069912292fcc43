/**
 * A pure function's results by the text they came from, for the last `maxEntries` distinct texts
 * (then it starts over): bounded whatever clients send. A computation that throws keeps nothing.
 */
export function createTextMemo<T>(maxEntries: number): (text: string, compute: () => T) => T {
  const kept = new Map<string, T>();
  return (text, compute) => {
    const known = kept.get(text);
    if (known !== undefined) return known;
    const value = compute();
    if (kept.size >= maxEntries) kept.clear();
    kept.set(text, value);
    return value;
  };
}
