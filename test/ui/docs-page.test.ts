import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shown, textOf, watchContext } from '../helpers/browser.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/** docs/frontend.md#docs-page: GET /docs, Swagger UI from the installed swagger-ui-dist, in headless Chromium. */
describe('the docs page in a browser', () => {
  let browser: Browser;
  let gw: TestGateway;

  beforeAll(async () => {
    browser = await launchBrowser();
    gw = await startGateway({ store: 'memory', env: { DOCS_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await browser.close();
    await gw.close();
  });

  it('renders the document’s operations from local assets, with no CSP violation', async () => {
    const context = await browser.newContext();
    try {
      const problems = await watchContext(context, gw.url);
      const page = await context.newPage();
      const document = page.waitForResponse(`${gw.url}/openapi.json`);
      await page.goto(`${gw.url}/docs`);
      expect((await document).status()).toBe(200);
      await shown(page.getByText('List the signal scans of an account group'));
      await textOf(page.locator('.information-container')).toContain('INVALID_CREDENTIALS');
      await shown(page.getByRole('button', { name: 'Authorize' }));
      expect(problems).toEqual({ outside: [], violations: [], errors: [] });
    } finally {
      await context.close();
    }
  });

  it('tries an operation out against this gateway', async () => {
    const context = await browser.newContext();
    try {
      const problems = await watchContext(context, gw.url);
      const page = await context.newPage();
      await page.goto(`${gw.url}/docs#/ops/healthz`);
      const operation = page.locator('#operations-ops-healthz');
      await shown(operation.getByRole('button', { name: 'Try it out' }));
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const answered = page.waitForResponse(`${gw.url}/healthz`);
      await operation.getByRole('button', { name: 'Execute' }).click();
      expect((await answered).status()).toBe(200);
      await textOf(operation.locator('.live-responses-table')).toContain('"status": "ok"');
      expect(problems).toEqual({ outside: [], violations: [], errors: [] });
    } finally {
      await context.close();
    }
  });
});
