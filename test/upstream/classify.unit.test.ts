import { describe, expect, it } from 'vitest';

import { classifyNetworkError } from '../../src/upstream/classify.js';

function coded(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(code), { code, ...extra });
}

describe('network errors without an answer', () => {
  it('a refused connection is unavailable (refused) and worth one retry', () => {
    expect(classifyNetworkError(coded('ECONNREFUSED'))).toMatchObject({
      failure: { kind: 'unavailable', reason: 'refused', retryAfterS: 1 },
      transient: true,
    });
  });

  it('a refusal on every address (happy eyeballs) reads the first of the errors', () => {
    const aggregate = new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]);
    expect(classifyNetworkError(aggregate)).toMatchObject({
      failure: { reason: 'refused' },
      transient: true,
    });
  });

  it('a reset socket is unavailable (unreachable) and worth one retry', () => {
    const socketError = coded('UND_ERR_SOCKET', { cause: coded('ECONNRESET') });
    expect(classifyNetworkError(socketError)).toMatchObject({
      failure: { kind: 'unavailable', reason: 'unreachable' },
      transient: true,
    });
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])(
    '%s is unavailable (unreachable) and not retried',
    (code) => {
      expect(classifyNetworkError(coded(code))).toMatchObject({
        failure: { kind: 'unavailable', reason: 'unreachable' },
        transient: false,
      });
    },
  );

  it('garbled HTTP is an invalid response', () => {
    expect(classifyNetworkError(coded('HPE_INVALID_CONSTANT'))).toMatchObject({
      failure: { kind: 'invalid_response' },
      transient: false,
    });
    expect(classifyNetworkError(coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'))).toMatchObject({
      failure: { kind: 'invalid_response' },
    });
  });
});
