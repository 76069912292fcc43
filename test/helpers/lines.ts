import { createWaitableList } from './waitable-list.js';

/** Text output split into lines as it arrives; a test awaits a line instead of polling the text. */
export interface Lines {
  readonly lines: readonly string[];
  /** Everything so far, a partial last line included. */
  text(): string;
  /** The first line, present or future, containing `text` (or matching it); rejects after `timeoutMs` or at end(). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  write(chunk: string): void;
  end(reason: string): void;
}

export function createLines(): Lines {
  const list = createWaitableList<string>('line');
  let partial = '';
  return {
    lines: list.items,
    text: () => [...list.items, ...(partial === '' ? [] : [partial])].join('\n'),
    waitFor: (text, timeoutMs) =>
      list.waitFor((line) => (typeof text === 'string' ? line.includes(text) : text.test(line)), timeoutMs),
    write(chunk) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line !== '') list.push(line);
    },
    end(reason) {
      if (partial !== '') list.push(partial);
      partial = '';
      list.end(reason);
    },
  };
}
