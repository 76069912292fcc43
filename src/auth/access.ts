import type { User } from './identity.js';

/**
 * Roles a user can hold (users file `roles`, group map `roles`); each names what it unlocks:
 * `auditor` reads the audit trail, `admin` ends other users' sessions.
 */
export const ROLES = { auditor: 'auditor', admin: 'admin' } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

/** The user may not do this; http/ answers 403 FORBIDDEN with the message. */
export class AccessDeniedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/**
 * The user may list this account group's scans. Read from the user as the users file says now,
 * on every request. An unknown group gets the same answer as a forbidden one, so probing learns
 * nothing.
 */
export function requireGroupAccess(user: Pick<User, 'accountGroups'>, accountGroupId: string): void {
  if (!user.accountGroups.includes(accountGroupId)) {
    throw new AccessDeniedError('You may not list scans of this account group.');
  }
}

/** A check that the user holds `role`. */
export function requireRole(role: Role, doing: string): (user: Pick<User, 'roles'>) => void {
  return (user) => {
    if (!user.roles.includes(role)) throw new AccessDeniedError(`${doing} needs the ${role} role.`);
  };
}
