import { createHash } from 'node:crypto';
import type { GroupMap } from './group-map.js';
import type { OidcSessionClaims, Principal } from './identity.js';
import { OIDC_USER_PREFIX, USER_ID } from './user-directory.js';

/**
 * The gateway's id of an SSO user: `oidc:<sub>` when `sub` fits a user id (they end up in store
 * keys), else `oidc:~` and a hash of it. One issuer per gateway, so `sub` alone is unique.
 */
export function oidcUserId(sub: string): string {
  const plain = `${OIDC_USER_PREFIX}${sub}`;
  if (USER_ID.test(plain)) return plain;
  return `${OIDC_USER_PREFIX}~${createHash('sha256').update(sub).digest('base64url').slice(0, 32)}`;
}

/**
 * The principal of an SSO session: the claims kept with the session through the CURRENT group
 * map. Memoised per session record and map generation, so the hot path maps once per reload.
 */
export function createOidcPrincipals(groupMap: GroupMap) {
  const memo = new WeakMap<OidcSessionClaims, { generation: number; principal: Principal }>();
  return function principalOf(userId: string, claims: OidcSessionClaims): Principal {
    const known = memo.get(claims);
    if (known !== undefined && known.generation === groupMap.generation) return known.principal;
    const { accountGroups, roles } = groupMap.map(claims.groups);
    const principal = { id: userId, username: claims.username, accountGroups, roles };
    memo.set(claims, { generation: groupMap.generation, principal });
    return principal;
  };
}

export type OidcPrincipals = ReturnType<typeof createOidcPrincipals>;
