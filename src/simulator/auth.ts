import { errorAnswer } from './envelope.js';
import type { Answer } from './envelope.js';
import type { SimulatorKey } from './simulator-options.js';

export const REQUIRED_PERMISSION = 'signals:read';

export interface KeyCheck {
  /** The key as the client sent it (after `Bearer `), or '' when absent. Headers: lower-case names. */
  presentedKey(headers: Record<string, string>): string;
  /** undefined = allowed; otherwise the 401/403 to answer. */
  authorize(headers: Record<string, string>, accountGroupId: string): Answer | undefined;
}

const BEARER = /^Bearer[ \t]+(.+)$/i;

export function createKeyCheck(keys: readonly SimulatorKey[], keyHeader: string): KeyCheck {
  const headerName = keyHeader.toLowerCase();
  const expectsBearer = headerName === 'authorization';
  const byKey = new Map(keys.map((k) => [k.key, k]));
  const how = expectsBearer ? 'Authorization: Bearer <key>' : `${keyHeader}: <key>`;

  function presentedKey(headers: Record<string, string>): string {
    const raw = headers[headerName]?.trim() ?? '';
    if (!expectsBearer) return raw;
    return BEARER.exec(raw)?.[1]?.trim() ?? '';
  }

  return {
    presentedKey,
    authorize(headers, accountGroupId) {
      const presented = presentedKey(headers);
      if (presented === '') {
        return errorAnswer(401, 'UNAUTHORIZED', 'Missing API key', `send the key as "${how}"`);
      }
      const key = byKey.get(presented);
      if (key === undefined) {
        // Never repeat the key back: only the echo_key fault does that, on purpose.
        return errorAnswer(
          401,
          'UNAUTHORIZED',
          'Invalid API key',
          'the API key is unknown or has been revoked',
        );
      }
      if (!key.permissions.includes(REQUIRED_PERMISSION)) {
        return errorAnswer(
          403,
          'FORBIDDEN',
          `API key lacks the ${REQUIRED_PERMISSION} permission`,
          `required permission: ${REQUIRED_PERMISSION}`,
        );
      }
      if (key.accountGroups !== '*' && !key.accountGroups.includes(accountGroupId)) {
        return errorAnswer(
          403,
          'FORBIDDEN',
          `API key has no access to account group ${accountGroupId}`,
          'account_group_access',
        );
      }
      return undefined;
    },
  };
}
