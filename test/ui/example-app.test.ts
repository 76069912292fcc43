import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  countOf,
  disabled,
  focused,
  gone,
  launchBrowser,
  shown,
  textOf,
  watchContext,
  type PageProblems,
} from '../helpers/browser.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { ssoEnv, ssoPorts, TEST_GROUP_MAP, writeGroupMap } from '../helpers/sso.js';

const IDLE_S = 60;

/**
 * docs/frontend.md#browser-tests: the example app at / in headless Chromium against the gateway and the
 * simulator, as a person uses it (by role and label, with the keyboard).
 */
describe('the example app in a browser', () => {
  let browser: Browser;
  let gw: TestGateway;
  let limited: TestGateway;
  let now = Date.now();
  const contexts: { context: BrowserContext; problems: PageProblems }[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    [gw, limited] = await Promise.all([
      startGateway({
        store: 'memory',
        clock: () => now,
        env: { UI_ENABLED: 'true', SESSION_IDLE_S: String(IDLE_S), CIRCUIT_FAILURES: '1000' },
      }),
      startGateway({
        store: 'memory',
        env: { UI_ENABLED: 'true', USER_BURST: '2', USER_RPS: '0.1', LOGIN_MAX_FAILURES: '1' },
      }),
    ]);
  });
  afterAll(async () => {
    await browser.close();
    await Promise.all([gw.close(), limited.close()]);
  });
  afterEach(async () => {
    for (const { context } of contexts.splice(0)) await context.close();
  });

  /** A fresh browser profile (its own cookies) on a gateway, watched for outside requests and CSP violations. */
  async function open(
    on: TestGateway = gw,
  ): Promise<{ page: Page; problems: PageProblems; context: BrowserContext }> {
    const context = await browser.newContext();
    const problems = await watchContext(context, on.url);
    contexts.push({ context, problems });
    const page = await context.newPage();
    await page.goto(`${on.url}/`);
    return { page, problems, context };
  }

  /** Keyboard only: the page puts the focus in the first field to fill (the username is kept after an expiry). */
  async function signIn(page: Page, username = 'alice', password = 'alice-password-1') {
    const user = page.getByLabel('Username');
    if ((await user.inputValue()) === '') {
      await focused(user);
      await page.keyboard.type(username);
      await page.keyboard.press('Tab');
    } else {
      expect(await user.inputValue()).toBe(username);
      await focused(page.getByLabel('Password'));
    }
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
  }

  const rows = (page: Page) => page.getByRole('table').locator('tbody tr');
  const listStatus = (page: Page) => page.locator('#list-status');

  function expectClean(problems: PageProblems) {
    expect(problems.outside).toEqual([]);
    expect(problems.violations).toEqual([]);
    expect(problems.errors).toEqual([]);
  }

  it('signs in, lists, pages on with nextCursor, filters by status, and signs out with the CSRF token', async () => {
    const { page, problems, context } = await open();
    await shown(page.getByRole('heading', { name: 'Sign in' }));
    await gone(page.getByRole('link', { name: 'Sign in with SSO' }));
    await gone(page.getByRole('button', { name: 'Sign out' }));
    await signIn(page);

    await focused(page.getByRole('heading', { name: 'Scans' }));
    await shown(page.getByText('Signed in as alice'));
    await countOf(rows(page)).toBe(10);
    await textOf(listStatus(page)).toContain('Page 1 · 10 scans · Cache: MISS');
    const firstOfPage1 = await rows(page).first().locator('th').textContent();

    const nextRequest = page.waitForRequest((r) => r.url().includes('cursor='));
    await page.getByRole('button', { name: 'Next page' }).focus();
    await page.keyboard.press('Enter');
    expect(new URL((await nextRequest).url()).searchParams.get('cursor')).toMatch(/^[A-Za-z0-9_-]+={0,2}$/);
    await textOf(listStatus(page)).toContain('Page 2 · 10 scans');
    expect(await rows(page).first().locator('th').textContent()).not.toBe(firstOfPage1);

    await page.getByRole('button', { name: 'Previous page' }).click();
    await textOf(listStatus(page)).toContain('Page 1 · 10 scans · Cache: HIT');
    await textOf(rows(page).first().locator('th')).toBe(firstOfPage1 ?? '');

    await page.getByLabel('Status').selectOption('failed');
    await page.getByLabel('Per page').selectOption('50');
    await page.getByRole('button', { name: 'Show scans' }).click();
    await textOf(page.getByRole('table')).toContain('Status “failed” scans of grp_a, page 1');
    const statuses = await rows(page).locator('td:nth-child(3)').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['failed']));

    const { csrfToken } = (
      (await (await context.request.get(`${gw.url}/auth/session`)).json()) as {
        data: { csrfToken: string };
      }
    ).data;
    const logout = page.waitForRequest((r) => r.url().endsWith('/auth/logout'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await logout).headers()['x-csrf-token']).toBe(csrfToken);
    await textOf(page.getByRole('status')).toBe('You have signed out.');
    await shown(page.getByRole('heading', { name: 'Sign in' }));
    expect((await context.request.get(`${gw.url}/auth/session`)).status()).toBe(401);
    expectClean(problems);
  });

  it('offers only the SSO link when the gateway has no password login', async () => {
    const groupMapFile = writeGroupMap(TEST_GROUP_MAP);
    // The provider need not run: the gateway starts without it and says what it offers.
    const ssoOnly = await startGateway({
      store: 'memory',
      env: { UI_ENABLED: 'true', USERS_FILE: '', ...ssoEnv(await ssoPorts(), groupMapFile) },
    });
    try {
      const { page, problems } = await open(ssoOnly);
      const link = page.getByRole('link', { name: 'Sign in with SSO' });
      await shown(link);
      await focused(link);
      expect(await link.getAttribute('href')).toBe('/auth/oidc/login?returnTo=%2F');
      await gone(page.getByLabel('Username'));
      await gone(page.getByLabel('Password'));
      await gone(page.getByText('or', { exact: true }));
      expectClean(problems);
    } finally {
      await ssoOnly.close();
    }
  });

  it('shows a wrong password as an error and stays on the sign-in form', async () => {
    const { page, problems } = await open();
    await signIn(page, 'alice', 'not-her-password');
    await textOf(page.getByRole('alert')).toBe('The username or password is not right.');
    await focused(page.getByLabel('Password'));
    await gone(page.getByRole('heading', { name: 'Scans' }));
    expectClean(problems);
  });

  it('counts a throttled sign-in down on the sign-in button', async () => {
    const { page, problems, context } = await open(limited);
    await context.clock.install();
    await signIn(page, 'bob', 'wrong');
    await textOf(page.getByRole('alert')).toBe('The username or password is not right.');
    // LOGIN_MAX_FAILURES=1: the next try is refused before any password check.
    await page.keyboard.type('wrong-again');
    await page.keyboard.press('Enter');
    await textOf(page.getByRole('alert')).toContain('Too many failed sign-ins. Wait ');
    const button = page.getByRole('button', { name: /^Sign in \(wait \d+ s\)$/ });
    await disabled(button).toBe(true);
    expectClean(problems);
  });

  it('returns to sign in when the session has expired', async () => {
    const { page, problems } = await open();
    await signIn(page);
    await countOf(rows(page)).toBe(10);
    now += (IDLE_S + 1) * 1000;
    await page.getByRole('button', { name: 'Next page' }).click();
    await textOf(page.getByRole('status')).toBe('Your session has ended. Please sign in again.');
    await focused(page.getByLabel('Password'));
    await signIn(page);
    await countOf(rows(page)).toBe(10);
    expectClean(problems);
  });

  it('returns to sign in when the session was ended elsewhere', async () => {
    const { page, problems, context } = await open();
    await signIn(page);
    await countOf(rows(page)).toBe(10);
    // "Sign out" from another tab or device: the same session ended through the API.
    const { csrfToken } = (
      (await (await context.request.get(`${gw.url}/auth/session`)).json()) as {
        data: { csrfToken: string };
      }
    ).data;
    const ended = await context.request.post(`${gw.url}/auth/logout`, {
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(ended.status()).toBe(200);
    await page.getByRole('button', { name: 'Show scans' }).click();
    await textOf(page.getByRole('status')).toBe('Your session has ended. Please sign in again.');
    await shown(page.getByRole('heading', { name: 'Sign in' }));
    expectClean(problems);
  });

  it('counts a 429’s Retry-After down, then lets the user try again', async () => {
    const { page, problems, context } = await open(limited);
    await context.clock.install();
    await signIn(page);
    await countOf(rows(page)).toBe(10);
    await page.getByRole('button', { name: 'Next page' }).click();
    await textOf(listStatus(page)).toContain('Page 2');
    // USER_BURST=2: the third list call is refused.
    await page.getByRole('button', { name: 'Next page' }).click();
    const alert = page.getByRole('alert');
    await textOf(alert).toMatch(/^Too many requests right now\. Wait (\d+) seconds, then try again\./);
    await textOf(alert).toContain('Reference for support: ');
    const retry = page.getByRole('button', { name: /^Try again in \d+ s$/ });
    await disabled(retry).toBe(true);
    const wait = Number(/(\d+) seconds/.exec((await alert.textContent()) ?? '')?.[1]);
    expect(wait).toBeGreaterThan(1);
    await textOf(retry).toBe(`Try again in ${wait} s`);
    await context.clock.runFor(1000);
    await textOf(retry).toBe(`Try again in ${wait - 1} s`);
    await context.clock.runFor((wait - 1) * 1000);
    const again = page.getByRole('button', { name: 'Try again', exact: true });
    await disabled(again).toBe(false);
    await textOf(alert).toContain('You can try again now.');
    expectClean(problems);
  });

  it('says “try again” on a 503 and shows the page once trying again works', async () => {
    const { page, problems, context } = await open();
    await context.clock.install();
    await signIn(page);
    await countOf(rows(page)).toBe(10);
    gw.sim.setFaults({ mode: 'reset' });
    try {
      await page.getByLabel('Per page').selectOption('25');
      await page.getByRole('button', { name: 'Show scans' }).click();
      await textOf(page.getByRole('alert')).toContain('The service is temporarily unavailable.');
      await context.clock.runFor(1000);
    } finally {
      gw.sim.reset();
    }
    await page.getByRole('button', { name: 'Try again', exact: true }).click();
    await countOf(rows(page)).toBe(25);
    await gone(page.getByRole('alert'));
    expectClean(problems);
  });

  it('a page on another origin cannot list scans with the user’s cookie', async () => {
    const { page, context } = await open();
    await signIn(page);
    await countOf(rows(page)).toBe(10);
    const callsBefore = gw.sim.callCount();
    const scans = `${gw.url}/v1/accounts/grp_a/signals/scans?limit=3`;
    const refusals = () =>
      gw.logs.lines.filter((l) => l.includes('"status":403,') && l.includes('CSRF_FAILED')).length;
    const other = await startOtherOrigin(scans);
    try {
      // Same site, other origin (another port): the browser sends the cookie; the Origin check refuses.
      // Another site (localhost is not 127.0.0.1): SameSite keeps the cookie home, and it is refused too.
      for (const [origin, cookieSent] of [
        [`http://127.0.0.1:${other.port}`, true],
        [`http://localhost:${other.port}`, false],
      ] as const) {
        const before = refusals();
        const attacker = await context.newPage();
        await attacker.goto(`${origin}/`);
        const sent = await headersSentTo(attacker, new URL(gw.url).host);
        // The page never gets the answer (no CORS grant for its origin), so the browser reports the
        // request failed; the gateway's log says what it answered.
        const blocked = attacker.waitForEvent('requestfailed', (r) => r.url() === scans);
        await attacker.evaluate('attack()');
        await blocked;
        const { headers, cookies } = await sent.seen;
        expect(headers['Origin']).toBe(origin);
        expect(headers['Cookie']?.includes('sbff_session=') ?? false, `cookie sent from ${origin}`).toBe(
          cookieSent,
        );
        const session = cookies.find((c) => c.cookie.name === 'sbff_session');
        // Chromium names the rule: (Schemeful)SameSiteStrict, beside its own third-party cookie blocking.
        const bySameSite =
          session?.blockedReasons.some((reason) => reason.endsWith('SameSiteStrict')) ?? false;
        expect(bySameSite, `SameSite kept the cookie from ${origin}`).toBe(!cookieSent);
        await expect.poll(refusals).toBe(before + 1);
        await expect.poll(() => attacker.title()).toMatch(/^blocked: TypeError/);
        await attacker.close();
      }
    } finally {
      await other.close();
    }
    expect(gw.sim.callCount()).toBe(callsBefore);
    // The user's own page still works with the same cookie.
    await page.getByRole('button', { name: 'Next page' }).click();
    await textOf(listStatus(page)).toContain('Page 2');
  });

  it('enforces its CSP: no inline script, no HTML sinks', async () => {
    const { page, problems } = await open();
    await shown(page.getByRole('heading', { name: 'Sign in' }));
    const refused = await page.evaluate(`(() => {
      try { document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>'); return 'allowed'; }
      catch (e) { return e.name; }
    })()`);
    expect(refused).toBe('TypeError');
    await expect.poll(() => problems.violations.length).toBeGreaterThan(0);
    expect(problems.violations[0]).toContain('require-trusted-types-for');
  });
});

/**
 * The headers and cookies Chromium really puts on the page's next request to `host`, with why it
 * left any cookie out (the DevTools protocol's own account, not a guess from the page). Attach
 * after the page has navigated: a cross-origin navigation moves it to another renderer.
 */
async function headersSentTo(page: Page, host: string) {
  const cdp = await page.context().newCDPSession(page);
  const seen = new Promise<{
    headers: Record<string, string | undefined>;
    cookies: { cookie: { name: string }; blockedReasons: string[] }[];
  }>((resolve) => {
    cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
      const headers = event.headers as Record<string, string | undefined>;
      if (headers['Host'] === host) resolve({ headers, cookies: event.associatedCookies });
    });
  });
  await cdp.send('Network.enable');
  return { seen };
}

/** A page on another port that tries to read the scans list with whatever cookie the browser has. */
async function startOtherOrigin(scansUrl: string): Promise<{ port: number; close: () => Promise<void> }> {
  const html = `<!doctype html><title>waiting</title><script>
function attack() {
  fetch(${JSON.stringify(scansUrl)}, { credentials: 'include' })
    .then((r) => r.text()).then((t) => { document.title = 'read: ' + t; }, (e) => { document.title = 'blocked: ' + e; });
}
</script>`;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
