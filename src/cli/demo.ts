import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from '../app.js';
import { hashPassword } from '../auth/password.js';
import { ConfigError, loadConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { startServer } from '../http/server.js';
import { startSimulator } from '../simulator/simulator.js';

/**
 * `npm run demo`: the vendor simulator and the gateway on 127.0.0.1 in one process, a demo user,
 * the example app and the docs page (UI_ENABLED, DOCS_ENABLED: on unless set), and curl lines. The embedded store unless REDIS_URL is set. Ctrl-C stops everything.
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

  const simulator = await startSimulator({
    port: Number(process.env['SIM_PORT'] ?? 0),
    keys: [{ key: DEMO_KEY, accountGroups: '*', permissions: ['signals:read'] }],
  });
  const config = loadConfig({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: process.env['PORT'] ?? '8080',
    UPSTREAM_BASE_URL: simulator.url,
    UPSTREAM_API_KEY: DEMO_KEY,
    UPSTREAM_API_KEY_FILE: '',
    USERS_FILE: usersFile,
    COOKIE_SECURE: 'false',
    AUDIT_SPOOL_DIR: join(dir, 'spool'),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    UI_ENABLED: process.env['UI_ENABLED'] ?? 'true',
    DOCS_ENABLED: process.env['DOCS_ENABLED'] ?? 'true',
  });
  const deps = createDeps(config);
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
      'Ctrl-C stops the demo.',
      '',
    ].join('\n'),
  );

  const stop = async () => {
    await server.close(2000);
    await deps.close();
    await simulator.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

demo().catch((error: unknown) => {
  if (error instanceof ConfigError)
    for (const p of error.problems) process.stderr.write(`config error: ${p}\n`);
  else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    process.stderr.write('port 8080 is taken: run with PORT=8081 npm run demo\n');
  } else process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
