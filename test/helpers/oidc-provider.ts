import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** A user at the test provider. */
export interface ProviderAccount {
  sub: string;
  preferred_username?: string;
  email?: string;
  groups: string[];
}

export interface TestProviderOptions {
  /** @default a free one */
  port?: number;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  backchannelLogoutUri: string;
  accounts: ProviderAccount[];
}

/** A real OpenID provider (oidc-provider) on a port, its signing key in the test's hands. */
export interface TestProvider {
  issuer: string;
  provider: Provider;
  /** Every token the token endpoint has handed out (ID, access, refresh), to search for. */
  readonly tokens: readonly string[];
  /** Who signs in at the next login prompt. */
  signInAs(sub: string): void;
  /**
   * Rewrites the ID token of the next token responses, re-signed with `key` (default: the
   * provider's own), to show the gateway answers it would not get from a well-behaved provider.
   */
  tamperIdTokens(change: ((claims: JWTPayload) => JWTPayload) | undefined, key?: SigningKey): void;
  /** A logout token as the provider would sign it, or as another key would. */
  logoutToken(claims: JWTPayload, options?: { key?: SigningKey; typ?: string }): Promise<string>;
  /** The provider's key: the same `kid`, another private key: the signature alone is wrong. */
  impostorKey(): Promise<SigningKey>;
  close(): Promise<void>;
}

export interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
}

async function signingKey(kid: string): Promise<SigningKey & { jwk: JWK }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwk };
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = await signingKey('test-key-1');
  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  let nextSub = options.accounts[0]?.sub ?? '';
  let tamper: { change: (claims: JWTPayload) => JWTPayload; key: SigningKey } | undefined;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        backchannel_logout_uri: options.backchannelLogoutUri,
        backchannel_logout_session_required: true,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [key.jwk] },
    cookies: { keys: ['test-provider-cookie-key'] },
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, IdToken: 600, RefreshToken: 3600 },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'], email: ['email'] },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = `<!DOCTYPE html><html><body>${form}</body></html>`;
        },
      },
    },
    // Its guard against requests to private addresses would refuse the gateway on 127.0.0.1.
    fetch: (input, init = {}) => {
      const { dispatcher: _guard, ...rest } = init as RequestInit & { dispatcher?: unknown };
      return fetch(input, rest);
    },
    // A refresh token for every login, so revocation at logout has something to revoke.
    issueRefreshToken: () => true,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party client: consent is implied, so the only prompt is the login.
    async loadExistingGrant(ctx) {
      const { client, session, params } = ctx.oidc;
      if (client === undefined || session?.accountId === undefined) return undefined;
      const known = session.grantIdFor(client.clientId);
      if (known !== undefined) return ctx.oidc.provider.Grant.find(known);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const scope = params?.['scope'];
      grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
      await grant.save();
      return grant;
    },
    findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (account === undefined) return undefined;
      return { accountId: sub, claims: () => ({ ...account }) };
    },
  });
  const tokens: string[] = [];
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.path !== '/token' || body === undefined) return;
    for (const name of ['id_token', 'access_token', 'refresh_token']) {
      const token = body[name];
      if (typeof token === 'string') tokens.push(token);
    }
    if (tamper === undefined || typeof body['id_token'] !== 'string') return;
    const claims = tamper.change(decodeJwt(body['id_token']));
    body['id_token'] = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: tamper.key.kid })
      .sign(tamper.key.privateKey);
  });

  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) {
      void handle(req, res);
      return;
    }
    // The login prompt, answered for whoever signInAs named (no form to fill in).
    void provider
      .interactionFinished(req, res, { login: { accountId: nextSub } }, { mergeWithLastSubmission: false })
      .catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
  });

  const sign = (claims: JWTPayload, signer: SigningKey, typ: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ }).sign(signer.privateKey);

  return {
    issuer,
    provider,
    tokens,
    signInAs(sub) {
      nextSub = sub;
    },
    tamperIdTokens(change, signer = key) {
      tamper = change === undefined ? undefined : { change, key: signer };
    },
    logoutToken: (claims, { key: signer = key, typ = 'logout+jwt' } = {}) => sign(claims, signer, typ),
    impostorKey: () => signingKey(key.kid),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
