import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Keys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { SessionEntry, SessionService } from './identity.js';
import { describeError, type OidcClient } from './oidc-client.js';
import { oidcUserId } from './oidc-principal.js';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token older than this (by `iat`) is refused; its `jti` is remembered a little longer. */
const MAX_TOKEN_AGE_S = 600;
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type BackchannelResult =
  { ok: true; ended: SessionEntry[] } | { ok: false; kind: 'invalid' | 'unavailable'; detail: string };

/**
 * OpenID Connect Back-Channel Logout 1.0: a logout token is verified (the provider's signature,
 * `iss`, `aud`, `iat` not too old, `typ` logout+jwt, the logout event, no `nonce`, `sid` or `sub`,
 * a `jti` not seen before on any instance), then every gateway session of its `sid` (or, without
 * one, of its `sub`) ends through the sessions' one end path, so every instance forgets them.
 */
export function createBackchannelLogout(options: {
  oidc: OidcClient;
  sessions: SessionService;
  store: Store;
  keys: Keys;
}) {
  const { oidc, sessions, store, keys } = options;
  let jwks: { uri: string; get: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const keySet = (uri: string) => {
    if (jwks?.uri !== uri) jwks = { uri, get: createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000 }) };
    return jwks.get;
  };

  async function verify(token: string): Promise<JWTPayload | string> {
    const config = oidc.configuration();
    const jwksUri = config?.serverMetadata().jwks_uri;
    if (config === undefined || jwksUri === undefined)
      throw new ProviderUnavailable('provider not discovered');
    try {
      const { payload } = await jwtVerify(token, keySet(jwksUri), {
        issuer: config.serverMetadata().issuer,
        audience: oidc.options.clientId,
        typ: 'logout+jwt',
        algorithms: ASYMMETRIC,
        requiredClaims: ['iat', 'jti', 'events'],
        maxTokenAge: MAX_TOKEN_AGE_S,
        clockTolerance: 30,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || error instanceof TypeError) {
        throw new ProviderUnavailable(describeError(error));
      }
      return describeError(error);
    }
  }

  return async function backchannelLogout(token: string): Promise<BackchannelResult> {
    let payload;
    try {
      payload = await verify(token);
    } catch (error) {
      if (error instanceof ProviderUnavailable)
        return { ok: false, kind: 'unavailable', detail: error.message };
      throw error;
    }
    if (typeof payload === 'string') return { ok: false, kind: 'invalid', detail: payload };
    const problem = claimProblem(payload);
    if (problem !== undefined) return { ok: false, kind: 'invalid', detail: problem };
    const jtiHash = createHash('sha256')
      .update(`${payload.iss ?? ''}\n${String(payload.jti)}`)
      .digest('hex');
    const first = await store.set(keys.oidcLogoutSeen(jtiHash), '1', {
      ttlMs: (MAX_TOKEN_AGE_S + 60) * 1000,
      onlyIfAbsent: true,
    });
    if (!first) return { ok: false, kind: 'invalid', detail: 'jti seen before: a replayed logout token' };

    const { sid, sub } = payload as { sid?: string; sub?: string };
    const found =
      sid === undefined
        ? await sessions.listOf(oidcUserId(sub ?? ''))
        : await sessions.listOfProviderSession(sid);
    const ended = found.filter(
      (e) => e.record.oidc !== undefined && (sub === undefined || e.record.oidc.sub === sub),
    );
    await sessions.end(ended);
    return { ok: true, ended };
  };
}

class ProviderUnavailable extends Error {}

function claimProblem(payload: JWTPayload): string | undefined {
  const events = payload['events'];
  if (typeof events !== 'object' || events === null || Array.isArray(events))
    return 'events is not an object';
  const event: unknown = (events as Record<string, unknown>)[LOGOUT_EVENT];
  if (typeof event !== 'object' || event === null) return 'the back-channel logout event is missing';
  if ('nonce' in payload) return 'a logout token must not carry a nonce';
  const { sid, sub } = payload as Record<string, unknown>;
  if (typeof sid !== 'string' && typeof sub !== 'string') return 'neither sid nor sub';
  if ((sid !== undefined && typeof sid !== 'string') || (sub !== undefined && typeof sub !== 'string'))
    return 'sid and sub must be strings';
  if (typeof payload.jti !== 'string' || payload.jti === '') return 'jti must be a string';
  return undefined;
}

export type BackchannelLogout = ReturnType<typeof createBackchannelLogout>;
