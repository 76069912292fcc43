import { registerAuthChecks } from '../helpers/auth-checks.js';
import { DEFAULT_USERS } from '../helpers/users.js';

/** The shared auth checks on every session route: auth, session control, scans and admin. */
registerAuthChecks({ method: 'GET', path: '/auth/session' });
registerAuthChecks({
  method: 'POST',
  path: '/auth/logout',
  headers: (csrfToken) => ({ 'x-csrf-token': csrfToken }),
});
registerAuthChecks({ method: 'GET', path: '/v1/accounts/grp_a/signals/scans' });
registerAuthChecks({ method: 'GET', path: '/auth/sessions' });
registerAuthChecks({
  method: 'DELETE',
  path: '/auth/sessions',
  headers: (csrfToken) => ({ 'x-csrf-token': csrfToken }),
});
const ADMIN = {
  id: 'u_ada',
  username: 'ada',
  password: 'ada-password-1',
  accountGroups: [],
  roles: ['admin'],
};
registerAuthChecks({
  method: 'POST',
  path: '/admin/users/u_bob/sessions/revoke',
  headers: (csrfToken) => ({ 'x-csrf-token': csrfToken }),
  as: ADMIN,
  users: [...DEFAULT_USERS, ADMIN],
});
