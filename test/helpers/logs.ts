import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger.js';
import { createLines } from './lines.js';

/** A logger whose every line is kept, to search for secrets and records and to await a message. */
export function captureLogs(level = process.env['TEST_LOG_LEVEL'] ?? 'info') {
  const lines = createLines();
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.write(chunk.toString('utf8'));
      done();
    },
  });
  return {
    lines: lines.lines,
    logger: createLogger(level, stream),
    text: () => lines.text(),
    /** The first log line, present or future, containing `text`. */
    waitFor: (text: string, timeoutMs?: number) => lines.waitFor(text, timeoutMs),
  };
}

export type CapturedLogs = ReturnType<typeof captureLogs>;
