import { describe, expect, it } from 'vitest';
import { captureLogs } from './helpers/logs.js';

describe('the logger', () => {
  it('redacts secrets by its own paths, whatever the call site passes', () => {
    const { lines, logger } = captureLogs();
    logger.info(
      {
        apiKey: 'k-secret',
        password: 'p-secret',
        token: 't-secret',
        headers: { authorization: 'Bearer a-secret', cookie: 'sbff_session=c-secret' },
      },
      'x',
    );
    expect(lines).toHaveLength(1);
    for (const secret of ['k-secret', 'p-secret', 't-secret', 'a-secret', 'c-secret']) {
      expect(lines[0]).not.toContain(secret);
    }
  });

  it('keeps CR/LF and escape characters from input inside one JSON line', () => {
    const { lines, logger } = captureLogs();
    logger.info({ username: 'eve\r\n{"level":"fatal","msg":"forged"}\u001b[31m' }, 'login');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? '') as { username: string };
    expect(parsed.username).toContain('forged');
  });
});
