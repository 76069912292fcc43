import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../helpers/cookie-jar-browser.js';
import { createLines } from '../helpers/lines.js';
import { freePort } from '../helpers/redis.js';

/** `npm run demo -- --oidc` as a user runs it: the printed URL leads to the provider's sign-in page. */
describe('npm run demo -- --oidc', () => {
  const out = createLines();
  let child: ReturnType<typeof spawn>;
  let exited: Promise<unknown>;

  beforeAll(async () => {
    const [port, ssoPort] = [await freePort(), await freePort()];
    // In a directory of its own: the demo writes .demo/ where it runs.
    const cwd = mkdtempSync(join(tmpdir(), 'sbff-demo-'));
    const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
    child = spawn(process.execPath, ['--import', tsx, resolve('src/cli/demo.ts'), '--oidc'], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', PORT: String(port), OIDC_DEMO_PORT: String(ssoPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => out.write(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => out.write(chunk.toString('utf8')));
    exited = new Promise((done) => child.once('exit', done));
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    await exited;
  });

  it('prints the URL to sign in, which goes to the embedded provider and its sign-in page', async () => {
    const line = await out.waitFor('Open in a browser', 15_000);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/auth\/oidc\/login\S*)/.exec(line)?.[1] ?? expect.fail(line);
    expect(out.text()).toContain('Single sign-on: provider http://127.0.0.1:');
    const { last, hops } = await createBrowser().navigate(url);
    expect(hops[0]?.res.status).toBe(302);
    expect(last.res.status).toBe(200);
    expect(last.url.pathname).toMatch(/^\/interaction\//);
    expect(await last.res.text()).toContain('name="login"');
  });
});
