import * as client from 'openid-client';
import type { GroupMap } from './group-map.js';
import type { OidcSessionClaims } from './identity.js';
import type { LoginTransactions } from './login-transaction.js';
import { classifyProviderError, type OidcClient, type ProviderFailure } from './oidc-client.js';
import { oidcUserId } from './oidc-principal.js';
import type { TokenCipher } from './token-crypto.js';

/** Claims are bounded before they go into a session record: a groups claim can be long. */
const MAX_GROUPS = 500;
const MAX_CLAIM_CHARS = 256;

export interface OidcLoginOptions {
  oidc: OidcClient;
  transactions: LoginTransactions;
  cipher: TokenCipher;
  groupMap: GroupMap;
  /** OIDC_GROUPS_CLAIM: a claim name, or a dotted path into the claims (`realm_access.roles`). */
  groupsClaim: string;
}

export type LoginStart = { ok: true; url: string } | { ok: false; failure: ProviderFailure };

export type LoginFinish =
  | { ok: true; returnTo: string; userId: string; claims: OidcSessionClaims }
  | {
      ok: false;
      /** `transaction`: unknown, used, expired or another browser's state; else the provider's answer. */
      failure: ProviderFailure | { kind: 'transaction' | 'no_mapped_group'; detail: string };
      userId?: string;
      username?: string;
    };

/** Sealed tokens are bound to their kind and user: one moved into another record does not open. */
export const tokenContext = (kind: 'id_token' | 'refresh_token', userId: string) => `${kind}:${userId}`;

/**
 * The authorization code flow with PKCE (S256), `state` and `nonce`: `start` sends the browser to
 * the provider, `finish` checks what it brought back and says who logged in. Neither creates a
 * session; that is the caller's, once it has audited the login.
 */
export function createOidcLogin(options: OidcLoginOptions) {
  const { oidc, transactions, cipher, groupMap } = options;
  const unavailable: ProviderFailure = { kind: 'unavailable', detail: 'the provider is not discovered yet' };
  // Never waits for discovery: while the provider is not discovered, SSO login answers 503.
  const configuration = () => oidc.configuration();

  async function start(returnTo: string, binding: string): Promise<LoginStart> {
    const config = configuration();
    if (config === undefined) return { ok: false, failure: unavailable };
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    await transactions.save(state, { verifier, nonce, returnTo }, binding);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: oidc.options.redirectUri,
      scope: oidc.options.scopes.join(' '),
      response_type: 'code',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { ok: true, url: url.href };
  }

  async function finish(query: URLSearchParams, binding: string | undefined): Promise<LoginFinish> {
    const state = query.get('state');
    const transaction = state === null ? undefined : await transactions.take(state, binding);
    if (state === null || transaction === undefined) {
      return { ok: false, failure: { kind: 'transaction', detail: 'unknown, used or expired state' } };
    }
    const config = configuration();
    if (config === undefined) return { ok: false, failure: unavailable };
    const callbackUrl = new URL(oidc.options.redirectUri);
    callbackUrl.search = query.toString();
    let tokens;
    let claims: Record<string, unknown>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (idClaims === undefined) throw new Error('no ID token');
      claims = { ...idClaims };
      if (claimAt(claims, options.groupsClaim) === undefined && config.serverMetadata().userinfo_endpoint) {
        // Providers that conform to the spec put scope claims in UserInfo, not the ID token.
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...idClaims };
      }
    } catch (error) {
      return { ok: false, failure: classifyProviderError(error) };
    }
    const sub = String(claims['sub']);
    const userId = oidcUserId(sub);
    const username = capped(firstString(claims['preferred_username'], claims['email']) ?? sub);
    const groups = groupsOf(claimAt(claims, options.groupsClaim));
    if (!groupMap.map(groups).mapped) {
      return {
        ok: false,
        failure: { kind: 'no_mapped_group', detail: 'none of the groups claim is in the group map' },
        userId,
        username,
      };
    }
    const seal = (kind: 'id_token' | 'refresh_token', token: string | undefined) =>
      token === undefined ? null : cipher.seal(token, tokenContext(kind, userId));
    return {
      ok: true,
      returnTo: transaction.returnTo,
      userId,
      claims: {
        sub,
        sid: typeof claims['sid'] === 'string' ? capped(claims['sid']) : null,
        username,
        groups,
        idToken: seal('id_token', tokens.id_token),
        refreshToken: seal('refresh_token', tokens.refresh_token),
      },
    };
  }

  return { start, finish };
}

export type OidcLogin = ReturnType<typeof createOidcLogin>;

function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let at: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function groupsOf(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return [...new Set(list.filter((g): g is string => typeof g === 'string').map(capped))].slice(
    0,
    MAX_GROUPS,
  );
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

const capped = (s: string) => s.slice(0, MAX_CLAIM_CHARS);
