import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it). No browser is downloaded. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless Chromium, or an error saying how to get one: a browser test never skips. Background
 * networking is off: this machine has no network, and the page under test must need none.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH`,
    );
  }
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new Error(
      `Chromium at ${CHROMIUM_PATH} did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** What a page did that it should not: a request to another origin, a CSP violation, an uncaught error. */
export interface PageProblems {
  outside: string[];
  violations: string[];
  errors: string[];
}

/**
 * Watches every page of `context`: requests anywhere but `origin`, CSP violations (reported by a
 * listener installed before any page script runs) and uncaught errors.
 */
export async function watchContext(context: BrowserContext, origin: string): Promise<PageProblems> {
  const problems: PageProblems = { outside: [], violations: [], errors: [] };
  await context.exposeBinding('reportCspViolation', (_source, text: string) => {
    problems.violations.push(text);
  });
  // A string: the tests compile without the DOM's types.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.reportCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  const watch = (page: Page) => {
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== origin) problems.outside.push(request.url());
    });
    page.on('pageerror', (error) => problems.errors.push(error.message));
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  return problems;
}

/** How long a page gets to show what a test waits for (re-read, not slept on; generous for a loaded 2-core CI). */
const SHOWN = { timeout: 15_000, interval: 20 };

/** Waits until the locator's text (as a person sees it) passes the matcher that follows. */
export const textOf = (locator: Locator) => expect.poll(() => locator.innerText(), SHOWN);

/** Waits until as many elements match. */
export const countOf = (locator: Locator) => expect.poll(() => locator.count(), SHOWN);

export const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: SHOWN.timeout });

export const gone = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: SHOWN.timeout });

/** Waits until the keyboard focus is on the locator's element. */
export const focused = (locator: Locator) =>
  expect.poll(() => locator.evaluate((el) => el === el.ownerDocument.activeElement), SHOWN).toBe(true);

/** Waits until the element is (or is not) disabled. */
export const disabled = (locator: Locator) => expect.poll(() => locator.isDisabled(), SHOWN);
