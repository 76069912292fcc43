import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOf, focused, launchBrowser, textOf, watchContext } from '../helpers/browser.js';
import { createLines, type Lines } from '../helpers/lines.js';

/**
 * README "Try it in one minute": `npm run demo` prints the app's URL first, then the docs, then the
 * curl lines; opening the app and signing in with the printed password lists scans.
 */
describe('npm run demo, as a new user tries it', () => {
  let demo: ChildProcess;
  let out: Lines;
  let exited: Promise<unknown>;
  let browser: Browser;

  beforeAll(async () => {
    // In a directory of its own: the demo writes its users file and spool under ./.demo.
    demo = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), resolve('src/cli/demo.ts')], {
      cwd: mkdtempSync(join(tmpdir(), 'sbff-demo-')),
      env: { PATH: process.env['PATH'] ?? '', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    out = createLines();
    demo.stdout?.on('data', (chunk: Buffer) => out.write(chunk.toString('utf8')));
    demo.stdout?.on('end', () => out.end('the demo exited'));
    exited = new Promise((done) => demo.once('exit', done));
    browser = await launchBrowser();
    await out.waitFor('Ctrl-C stops the demo.', 15_000);
  });
  afterAll(async () => {
    await browser.close();
    demo.kill('SIGTERM');
    await exited;
  });

  it('prints the app, then the docs, then the curl lines', () => {
    const [app, docs, ...rest] = out.lines;
    expect(app).toMatch(/^Open the example app: http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(docs).toMatch(
      /^API docs \(Swagger UI\): http:\/\/127\.0\.0\.1:\d+\/docs {3}the document: .*\/openapi\.json$/,
    );
    expect(rest.findIndex((line) => line.startsWith('curl '))).toBeGreaterThan(0);
  });

  it('opens the printed URL and signs in with the printed password', async () => {
    const url = /(http:\/\/\S+\/)$/.exec(out.lines[0] ?? '')?.[1] ?? '';
    const password = /password: (\S+)/.exec(out.text())?.[1] ?? '';
    const context = await browser.newContext();
    try {
      const problems = await watchContext(context, new URL(url).origin);
      const page = await context.newPage();
      await page.goto(url);
      await focused(page.getByLabel('Username'));
      await page.getByLabel('Username').fill('demo');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await countOf(page.getByRole('table').locator('tbody tr')).toBe(10);
      await textOf(page.locator('#list-status')).toContain('Page 1');
      expect((await page.goto(`${url}docs`))?.status()).toBe(200);
      expect(problems).toEqual({ outside: [], violations: [], errors: [] });
    } finally {
      await context.close();
    }
  });
});
