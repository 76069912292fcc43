import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The provider groups of every demo SSO user, and what the demo's group map makes of them. */
export const DEMO_SSO_GROUPS = ['demo-readers', 'demo-auditors'];

export interface DemoProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * `npm run demo -- --oidc`: an OpenID provider (oidc-provider, a dev dependency, so loaded only
 * here and only on request) with its own sign-in page, where any name and any password sign in
 * as a user in DEMO_SSO_GROUPS. For trying SSO on one machine; nothing about it is for production.
 */
export async function startDemoProvider(options: {
  port: number;
  gatewayUrl: string;
}): Promise<DemoProvider> {
  let loaded;
  try {
    loaded = await import('oidc-provider');
  } catch {
    throw new Error(
      '--oidc needs the dev dependency oidc-provider, which is not installed: run `npm ci` (without --omit=dev)',
    );
  }
  const Provider = loaded.default;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'signals-bff-demo';
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${options.gatewayUrl}/auth/oidc/callback`],
        post_logout_redirect_uris: [`${options.gatewayUrl}/auth/session`],
        backchannel_logout_uri: `${options.gatewayUrl}/auth/oidc/backchannel-logout`,
        backchannel_logout_session_required: true,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'], email: ['email'] },
    features: { devInteractions: { enabled: true }, backchannelLogout: { enabled: true } },
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, IdToken: 600 },
    // Its guard against requests to private addresses would refuse the gateway on 127.0.0.1.
    fetch: (input, init = {}) => {
      const { dispatcher: _guard, ...rest } = init as RequestInit & { dispatcher?: unknown };
      return fetch(input, rest);
    },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, email: `${sub}@demo.invalid`, groups: DEMO_SSO_GROUPS }),
    }),
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
