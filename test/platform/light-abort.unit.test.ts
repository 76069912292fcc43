import { describe, expect, it } from 'vitest';
import { LightAbort } from '../../src/platform/light-abort.js';

describe('LightAbort', () => {
  it('runs each listener once, at abort, with the reason set', () => {
    const abort = new LightAbort();
    const seen: unknown[] = [];
    abort.addEventListener('abort', () => seen.push(abort.reason));
    abort.addEventListener('abort', () => seen.push('second'));
    expect(abort.aborted).toBe(false);
    const reason = new Error('left');
    abort.abort(reason);
    abort.abort(new Error('again'));
    expect(abort.aborted).toBe(true);
    expect(seen).toEqual([reason, 'second']);
  });

  it('never runs a listener removed before the abort, nor one added after it', () => {
    const abort = new LightAbort();
    let calls = 0;
    const listener = () => (calls += 1);
    abort.addEventListener('abort', listener);
    abort.removeEventListener('abort', listener);
    abort.abort();
    abort.addEventListener('abort', listener);
    expect(calls).toBe(0);
  });

  it('aborts with an AbortError by default, as AbortController does', () => {
    const abort = new LightAbort();
    abort.abort();
    expect(abort.reason).toBeInstanceOf(DOMException);
    expect((abort.reason as DOMException).name).toBe('AbortError');
  });
});
