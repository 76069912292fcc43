// `npm run screenshots`: the pictures the README shows, taken in headless Chromium against a test
// gateway on the embedded store (no Redis needed). Not a test: run it after changing the pages.
import { launchBrowser, shown } from '../helpers/browser.js';
import { startGateway } from '../helpers/gateway.js';

const gw = await startGateway({ store: 'memory', env: { UI_ENABLED: 'true', DOCS_ENABLED: 'true' } });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${gw.url}/`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('alice-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await shown(page.getByRole('table').locator('tbody tr').nth(9));
  await page.getByRole('button', { name: 'Next page' }).click();
  await shown(page.getByText('Page 2 ·'));
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: 'docs/example-app.png' });

  await page.goto(`${gw.url}/docs#/scans/listScans`);
  await shown(page.locator('#operations-scans-listScans .opblock-body'));
  await page.locator('#operations-scans-listScans').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/docs-page.png' });
  process.stdout.write('wrote docs/example-app.png and docs/docs-page.png\n');
} finally {
  await browser.close();
  await gw.close();
}
