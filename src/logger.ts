import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Secrets are removed by the logger itself, whatever a call site passes: the API key, cookies,
 * authorization headers, passwords and session ids never reach a log line. pino writes JSON with
 * escaped strings, so CR/LF in input cannot forge a line.
 */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'sessionId',
  '*.sessionId',
  'token',
  '*.token',
  'csrfToken',
  '*.csrfToken',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'signals-bff' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? process.stdout,
  );
}
