import * as client from 'openid-client';
import type { Logger } from '../platform/logger.js';

export interface OidcClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: readonly string[];
  postLogoutRedirectUri: string | undefined;
  logger: Logger;
}

/** Longest one call to the provider may take. */
const PROVIDER_TIMEOUT_S = 5;
/** Backoff between discovery attempts while the provider is unreachable, ms. */
const DISCOVERY_RETRY_MS = { min: 1000, max: 30_000 };

/** Why a call to the provider did not give an answer to act on. */
export type ProviderFailure =
  /** Unreachable, timed out or answering 5xx: try again later. */
  | { kind: 'unavailable'; detail: string }
  /** The provider refused (e.g. `invalid_grant` for a used code) or said `error=` in the callback. */
  | { kind: 'refused'; detail: string }
  /** The answer did not verify: issuer, audience, nonce, signature, times, state. */
  | { kind: 'invalid'; detail: string };

/**
 * The gateway as a confidential OpenID Connect client (openid-client): discovery from
 * OIDC_ISSUER, retried in the background with backoff until it succeeds, so the gateway starts
 * while the provider is down and SSO works once it is up. ID token signatures are checked too
 * (not only the TLS channel): a token that verifies is one the provider signed.
 */
export interface OidcClient {
  /**
   * The provider's configuration, once discovered; undefined until then, and then a discovery
   * attempt starts at once unless one is running or the last failed less than a second ago, so
   * a provider that is back is found by the next login rather than the next retry, and a login
   * never waits for the provider.
   */
  configuration(): client.Configuration | undefined;
  /** A discovery attempt that starts after any one running; true once discovered. */
  discover(): Promise<boolean>;
  readonly options: Readonly<Omit<OidcClientOptions, 'logger' | 'clientSecret'>>;
  close(): void;
}

export function createOidcClient(options: OidcClientOptions): OidcClient {
  const { logger } = options;
  const insecure = new URL(options.issuer).protocol === 'http:';
  let configuration: client.Configuration | undefined;
  let attempt: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delayMs = DISCOVERY_RETRY_MS.min;
  let lastFailureAt = 0;
  let closed = false;

  const discoverOnce = async (): Promise<boolean> => {
    try {
      const found = await client.discovery(
        new URL(options.issuer),
        options.clientId,
        { client_secret: options.clientSecret, redirect_uris: [options.redirectUri] },
        client.ClientSecretBasic(options.clientSecret),
        {
          timeout: PROVIDER_TIMEOUT_S,
          execute: [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])],
        },
      );
      configuration = found;
      logger.info({ issuer: options.issuer }, 'OIDC provider discovered: single sign-on is on');
      return true;
    } catch (error) {
      logger.warn(
        { issuer: options.issuer, err: describeError(error), retryInMs: delayMs },
        'OIDC discovery failed: SSO login answers 503 until it succeeds',
      );
      return false;
    }
  };

  const schedule = () => {
    if (closed || configuration !== undefined) return;
    timer = setTimeout(() => void attemptNow(), delayMs);
    timer.unref();
    delayMs = Math.min(delayMs * 2, DISCOVERY_RETRY_MS.max);
  };

  /** Joins the attempt running, or starts one. */
  const attemptNow = (): Promise<boolean> => {
    if (attempt !== undefined) return attempt;
    clearTimeout(timer);
    attempt = discoverOnce().then((found) => {
      attempt = undefined;
      if (!found) {
        lastFailureAt = Date.now();
        schedule();
      }
      return found;
    });
    return attempt;
  };
  void attemptNow();

  const { clientSecret: _secret, logger: _logger, ...visible } = options;
  return {
    configuration() {
      if (configuration === undefined && attempt === undefined && Date.now() - lastFailureAt >= 1000) {
        void attemptNow();
      }
      return configuration;
    },
    async discover() {
      if (attempt !== undefined) await attempt;
      return configuration !== undefined || attemptNow();
    },
    options: visible,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

/** A provider failure as one of three kinds, with a short detail for the log (never a token). */
export function classifyProviderError(error: unknown): ProviderFailure {
  const detail = describeError(error);
  if (error instanceof client.ResponseBodyError) {
    return error.status >= 500 ? { kind: 'unavailable', detail } : { kind: 'refused', detail };
  }
  if (error instanceof client.AuthorizationResponseError) return { kind: 'refused', detail };
  if (error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return { kind: 'unavailable', detail };
  }
  if (error instanceof TypeError || isAbort(error)) return { kind: 'unavailable', detail };
  return { kind: 'invalid', detail };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** Name, code and message only: openid-client's `cause` can hold the claims or the response. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? ` ${error.code}` : '';
  const oauthError = 'error' in error && typeof error.error === 'string' ? ` (${error.error})` : '';
  const cause = error.cause instanceof Error && error instanceof TypeError ? `: ${error.cause.message}` : '';
  return `${error.name}${code}${oauthError}: ${error.message}${cause}`;
}
