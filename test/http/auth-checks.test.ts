import { registerAuthChecks } from '../helpers/auth-checks.js';

/** The shared auth checks on every session route of the auth and scans resources. */
registerAuthChecks({ method: 'GET', path: '/auth/session' });
registerAuthChecks({
  method: 'POST',
  path: '/auth/logout',
  headers: (csrfToken) => ({ 'x-csrf-token': csrfToken }),
});
registerAuthChecks({ method: 'GET', path: '/v1/accounts/grp_a/signals/scans' });
