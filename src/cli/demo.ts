import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from '../app.js';
import { hashPassword } from '../auth/password.js';
import { ConfigError, loadConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { startServer } from '../http/server.js';
import { startSimulator } from '../simulator/simulator.js';
import { DEMO_SSO_GROUPS, startDemoProvider, type DemoProvider } from './demo-provider.js';

/**
 * `npm run demo`: the vendor simulator and the gateway on 127.0.0.1 in one process, a demo user,
 * the example app and the docs page (UI_ENABLED, DOCS_ENABLED: on unless set), and curl lines.
 * The embedded store unless REDIS_URL is set. Ctrl-C stops everything.
 * `npm run demo -- --oidc` also starts an OpenID provider and prints the URL to sign in with it.
 */
const DEMO_KEY = 'demo-upstream-key';
const GROUPS = ['grp_demo_a', 'grp_demo_b'];

async function demo(): Promise<void> {
  const dir = resolve('.demo');
  mkdirSync(dir, { recursive: true });
  const password = randomBytes(9).toString('base64url');
  const usersFile = join(dir, 'users.json');
  writeFileSync(
    usersFile,
    JSON.stringify(
      {
        users: [
          {
            id: 'u_demo',
            username: 'demo',
            passwordHash: await hashPassword(password),
            accountGroups: GROUPS,
            roles: ['auditor'],
          },
        ],
      },
      null,
      2,
    ),
  );

  const port = process.env['PORT'] ?? '8080';
  const sso = process.argv.includes('--oidc')
    ? await startDemoProvider({
        port: Number(process.env['OIDC_DEMO_PORT'] ?? 8090),
        gatewayUrl: `http://127.0.0.1:${port}`,
      })
    : undefined;
  const simulator = await startSimulator({
    port: Number(process.env['SIM_PORT'] ?? 0),
    keys: [{ key: DEMO_KEY, accountGroups: '*', permissions: ['signals:read'] }],
  });
  const config = loadConfig({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: port,
    UPSTREAM_BASE_URL: simulator.url,
    UPSTREAM_API_KEY: DEMO_KEY,
    UPSTREAM_API_KEY_FILE: '',
    USERS_FILE: usersFile,
    COOKIE_SECURE: 'false',
    AUDIT_SPOOL_DIR: join(dir, 'spool'),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    UI_ENABLED: process.env['UI_ENABLED'] ?? 'true',
    DOCS_ENABLED: process.env['DOCS_ENABLED'] ?? 'true',
    ...(sso === undefined ? {} : ssoEnv(sso, dir, port)),
  });
  const deps = createDeps(config);
  // The provider is in this process: let its discovery finish before the URL is printed.
  if (deps.sso !== undefined && !(await deps.sso.client.discover())) {
    throw new Error('the embedded provider could not be discovered');
  }
  const server = await startServer(createApp(deps), { port: config.port, host: config.host });
  const base = server.url;
  const scans = `${base}/v1/accounts/${GROUPS[0] ?? ''}/signals/scans`;
  const json = (path: string) => `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).${path}'`;

  process.stdout.write(
    [
      '',
      ...(config.uiEnabled ? [`Open the example app: ${base}/`] : []),
      ...(config.docsEnabled
        ? [`API docs (Swagger UI): ${base}/docs   the document: ${base}/openapi.json`]
        : []),
      '',
      `signals-bff demo: gateway ${base} → simulator ${simulator.url} (store: ${deps.store.kind})`,
      `demo user: demo   password: ${password}   groups: ${GROUPS.join(', ')}   role: auditor`,
      '',
      'Paste these, in order, in a shell in this directory:',
      '',
      `curl -s -c cookies.txt -H 'content-type: application/json' -d '{"username":"demo","password":"${password}"}' ${base}/auth/login; echo`,
      `curl -s -i -b cookies.txt '${scans}?limit=3'; echo`,
      `CURSOR=$(curl -s -b cookies.txt '${scans}?limit=3' | ${json('data.nextCursor')})`,
      `curl -s -b cookies.txt "${scans}?limit=3&cursor=$CURSOR"; echo`,
      `curl -s -b cookies.txt '${base}/admin/audit?limit=3'; echo`,
      `TOKEN=$(curl -s -b cookies.txt ${base}/auth/session | ${json('data.csrfToken')})`,
      `curl -s -b cookies.txt -c cookies.txt -X POST -H "X-CSRF-Token: $TOKEN" ${base}/auth/logout; echo`,
      '',
      ...(sso === undefined
        ? []
        : [
            `Single sign-on: provider ${sso.issuer}; groups ${DEMO_SSO_GROUPS.join(', ')} map to ${GROUPS.join(', ')} and the auditor role.`,
            `Open in a browser, sign in with any name and any password: ${base}/auth/oidc/login?returnTo=/`,
            `Then ${base}/auth/sessions lists your sessions.`,
            '',
          ]),
      'Ctrl-C stops the demo.',
      '',
    ].join('\n'),
  );

  const stop = async () => {
    await server.close(2000);
    await deps.close();
    await simulator.close();
    await sso?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** The gateway's side of the demo provider's registration, and a group map for its groups. */
function ssoEnv(sso: DemoProvider, dir: string, port: string): Record<string, string> {
  const groupMap = join(dir, 'groups.json');
  const [readers = '', auditors = ''] = DEMO_SSO_GROUPS;
  writeFileSync(
    groupMap,
    JSON.stringify(
      { groups: { [readers]: { accountGroups: GROUPS }, [auditors]: { roles: ['auditor'] } } },
      null,
      2,
    ),
  );
  return {
    OIDC_ISSUER: sso.issuer,
    OIDC_CLIENT_ID: sso.clientId,
    OIDC_CLIENT_SECRET: sso.clientSecret,
    OIDC_CLIENT_SECRET_FILE: '',
    OIDC_REDIRECT_URI: `http://127.0.0.1:${port}/auth/oidc/callback`,
    OIDC_POST_LOGOUT_REDIRECT_URI: `http://127.0.0.1:${port}/auth/session`,
    OIDC_GROUP_MAP_FILE: groupMap,
    SESSION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_ENCRYPTION_KEY_FILE: '',
  };
}

demo().catch((error: unknown) => {
  if (error instanceof ConfigError)
    for (const p of error.problems) process.stderr.write(`config error: ${p}\n`);
  else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    process.stderr.write('port 8080 is taken: run with PORT=8081 npm run demo\n');
  } else process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
