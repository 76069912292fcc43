import type { OidcConfig } from '../config.js';
import { readEncryptionKeys, readOidcClientSecret } from '../config.js';
import type { Logger } from '../platform/logger.js';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { createBackchannelLogout, type BackchannelLogout } from './backchannel-logout.js';
import { loadGroupMap, type GroupMap } from './group-map.js';
import type { SessionService } from './identity.js';
import { createLoginTransactions } from './login-transaction.js';
import { createOidcClient, type OidcClient } from './oidc-client.js';
import { createOidcLogin, type OidcLogin } from './oidc-login.js';
import { createOidcLogout, type OidcLogout } from './oidc-logout.js';
import { createOidcPrincipals, type OidcPrincipals } from './oidc-principal.js';
import { createTokenCipher, type TokenCipher } from './token-crypto.js';

/** How long a started SSO login may take to come back, ms: the transaction's and its cookie's life. */
export const LOGIN_TRANSACTION_MS = 10 * 60 * 1000;

/** Single sign-on, built from its parts when OIDC_ISSUER is set. */
export interface Sso {
  client: OidcClient;
  groupMap: GroupMap;
  cipher: TokenCipher;
  login: OidcLogin;
  logout: OidcLogout;
  backchannelLogout: BackchannelLogout;
  principals: OidcPrincipals;
  /** SIGHUP: the group map and the encryption key file; each keeps its last good value on error. */
  reload(): void;
  close(): void;
}

export function createSso(
  oidc: OidcConfig,
  parts: { store: Store; keys: Keys; sessions: SessionService; logger: Logger },
): Sso {
  const { store, keys, sessions, logger } = parts;
  // Both throw ConfigError at start-up: a bad map or key stops the gateway before it listens.
  const groupMap = loadGroupMap(oidc.groupMapFile);
  const cipher = createTokenCipher(readEncryptionKeys(oidc));
  const client = createOidcClient({ ...oidc, clientSecret: readOidcClientSecret(oidc), logger });
  const transactions = createLoginTransactions({ store, keys, ttlMs: LOGIN_TRANSACTION_MS });
  return {
    client,
    groupMap,
    cipher,
    login: createOidcLogin({ oidc: client, transactions, cipher, groupMap, groupsClaim: oidc.groupsClaim }),
    logout: createOidcLogout({ oidc: client, cipher, logger }),
    backchannelLogout: createBackchannelLogout({ oidc: client, sessions, store, keys }),
    principals: createOidcPrincipals(groupMap),
    reload() {
      const result = groupMap.reload();
      if (result.ok) logger.info({ groups: result.count }, 'group map reloaded');
      else logger.error({ problems: result.problems }, 'group map rejected; keeping the previous map');
      if (oidc.encryptionKeyFile === undefined) return;
      try {
        cipher.setKeys(readEncryptionKeys(oidc));
        logger.info('session encryption keys reloaded');
      } catch (error) {
        logger.error({ err: error }, 'session encryption key file rejected; keeping the previous keys');
      }
    },
    close: () => client.close(),
  };
}
