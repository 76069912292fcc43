import * as client from 'openid-client';
import type { Logger } from '../platform/logger.js';
import type { SessionRecord } from './identity.js';
import { describeError, type OidcClient } from './oidc-client.js';
import { tokenContext } from './oidc-login.js';
import type { TokenCipher } from './token-crypto.js';

/**
 * What ending an SSO session asks of the provider: the end-session URL for the browser to follow
 * (RP-initiated logout, with `id_token_hint` and `post_logout_redirect_uri`), and the revocation of
 * the refresh token, if one was issued.
 */
export function createOidcLogout(options: { oidc: OidcClient; cipher: TokenCipher; logger: Logger }) {
  const { oidc, cipher, logger } = options;
  return {
    /** null when the provider has no end-session endpoint or is not discovered. */
    endSessionUrl(record: SessionRecord): string | null {
      const config = oidc.configuration();
      if (config?.serverMetadata().end_session_endpoint === undefined) return null;
      const sealed = record.oidc?.idToken ?? null;
      const idToken =
        sealed === null ? undefined : cipher.open(sealed, tokenContext('id_token', record.userId));
      const post = oidc.options.postLogoutRedirectUri;
      return client.buildEndSessionUrl(config, {
        ...(idToken === undefined ? { client_id: oidc.options.clientId } : { id_token_hint: idToken }),
        ...(post === undefined ? {} : { post_logout_redirect_uri: post }),
      }).href;
    },

    /** Best effort: a refresh token the provider cannot be told about simply expires there. */
    async revokeRefreshToken(record: SessionRecord): Promise<void> {
      const config = oidc.configuration();
      const sealed = record.oidc?.refreshToken ?? null;
      if (config === undefined || sealed === null) return;
      if (config.serverMetadata().revocation_endpoint === undefined) return;
      const token = cipher.open(sealed, tokenContext('refresh_token', record.userId));
      if (token === undefined) return;
      try {
        await client.tokenRevocation(config, token, { token_type_hint: 'refresh_token' });
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'refresh token revocation failed');
      }
    },
  };
}

export type OidcLogout = ReturnType<typeof createOidcLogout>;
