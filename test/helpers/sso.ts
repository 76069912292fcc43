import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis.js';

export const SSO_CLIENT = { id: 'signals-bff', secret: 'test-client-secret-0123456789' };

/** Provider groups → account groups and roles, as the tests map them. */
export const TEST_GROUP_MAP = {
  groups: {
    'scan-readers': { accountGroups: ['grp_a'] },
    'b-team': { accountGroups: ['grp_b'] },
    'gateway-admins': { roles: ['admin'] },
  },
};

export function writeGroupMap(content: unknown, path?: string): string {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'sbff-groups-')), 'groups.json');
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Where the provider and the gateway will listen, chosen first: each names the other. */
export async function ssoPorts() {
  const [provider, gateway] = [await freePort(), await freePort()];
  const gatewayUrl = `http://127.0.0.1:${gateway}`;
  return {
    provider,
    gateway,
    issuer: `http://127.0.0.1:${provider}`,
    gatewayUrl,
    redirectUri: `${gatewayUrl}/auth/oidc/callback`,
    postLogoutRedirectUri: `${gatewayUrl}/signed-out`,
    backchannelLogoutUri: `${gatewayUrl}/auth/oidc/backchannel-logout`,
  };
}

export type SsoPorts = Awaited<ReturnType<typeof ssoPorts>>;

/** The gateway variables for SSO against the test provider. */
export function ssoEnv(ports: SsoPorts, groupMapFile: string): Record<string, string> {
  return {
    OIDC_ISSUER: ports.issuer,
    OIDC_CLIENT_ID: SSO_CLIENT.id,
    OIDC_CLIENT_SECRET: SSO_CLIENT.secret,
    OIDC_REDIRECT_URI: ports.redirectUri,
    OIDC_POST_LOGOUT_REDIRECT_URI: ports.postLogoutRedirectUri,
    OIDC_GROUP_MAP_FILE: groupMapFile,
    SESSION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
}

/** The provider's side of the same registration. */
export function providerClient(ports: SsoPorts) {
  return {
    port: ports.provider,
    clientId: SSO_CLIENT.id,
    clientSecret: SSO_CLIENT.secret,
    redirectUri: ports.redirectUri,
    postLogoutRedirectUri: ports.postLogoutRedirectUri,
    backchannelLogoutUri: ports.backchannelLogoutUri,
  };
}
