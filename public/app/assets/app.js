// @ts-check
// The example app: the flow every frontend of the gateway implements, in plain DOM code.
// Text only ever goes in through textContent: the page's CSP refuses innerHTML (Trusted Types).
import { call, scansPath } from './api.js';
import { countdown } from './countdown.js';
import { explain } from './problems.js';

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} type
 * @returns {T}
 */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no #${id}`);
  return node;
}

const ui = {
  loading: byId('loading', HTMLElement),
  notice: byId('notice', HTMLElement),
  account: byId('account', HTMLElement),
  accountName: byId('account-name', HTMLElement),
  signOut: byId('sign-out', HTMLButtonElement),
  signIn: byId('sign-in', HTMLElement),
  signInTitle: byId('sign-in-title', HTMLElement),
  signInForm: byId('sign-in-form', HTMLFormElement),
  username: byId('username', HTMLInputElement),
  password: byId('password', HTMLInputElement),
  signInError: byId('sign-in-error', HTMLElement),
  signInSubmit: byId('sign-in-submit', HTMLButtonElement),
  sso: byId('sso', HTMLElement),
  ssoOr: byId('sso-or', HTMLElement),
  ssoLink: byId('sso-link', HTMLAnchorElement),
  scans: byId('scans', HTMLElement),
  scansTitle: byId('scans-title', HTMLElement),
  filters: byId('filters', HTMLFormElement),
  group: byId('group', HTMLSelectElement),
  status: byId('status', HTMLSelectElement),
  limit: byId('limit', HTMLSelectElement),
  show: byId('show', HTMLButtonElement),
  listError: byId('list-error', HTMLElement),
  listErrorText: byId('list-error-text', HTMLElement),
  listErrorRef: byId('list-error-ref', HTMLElement),
  retry: byId('retry', HTMLButtonElement),
  listStatus: byId('list-status', HTMLElement),
  table: byId('scan-table', HTMLTableElement),
  caption: byId('scan-caption', HTMLElement),
  rows: byId('scan-rows', HTMLTableSectionElement),
  empty: byId('empty', HTMLElement),
  prev: byId('prev-page', HTMLButtonElement),
  next: byId('next-page', HTMLButtonElement),
};

/** @type {{ csrfToken: string } | undefined} */
let session;
/** False when the gateway offers single sign-on only (GET /auth/methods). */
let passwordLogin = true;
/** The cursor of each page shown so far: [undefined] is the first page. */
let cursors = /** @type {(string | undefined)[]} */ ([undefined]);
let page = 0;
/** @type {string | null} */
let nextCursor = null;
let busy = false;
let stopWaiting = () => {};
/** @type {() => void} */
let retryLast = () => {};

const KNOWN_FIELDS = new Set(['scanId', 'type', 'status', 'createdAt', 'updatedAt']);

const CACHE_STATES = {
  HIT: 'fresh from the gateway’s shared cache',
  MISS: 'fetched from the vendor just now',
  STALE: 'an older copy: the vendor was slow or busy, or the copy is being refreshed',
  BYPASS: 'the cache was skipped',
};

/** @param {HTMLElement} node @param {boolean} shown */
const show = (node, shown) => {
  node.hidden = !shown;
};

function setNotice(/** @type {string} */ text) {
  ui.notice.textContent = text;
  show(ui.notice, text !== '');
}

/**
 * @param {string} [notice]
 * @param {{ keepUsername?: boolean }} [options] kept when the session merely ended: only the password is asked again
 */
function showSignIn(notice = '', options = {}) {
  session = undefined;
  stopWaiting();
  show(ui.loading, false);
  show(ui.scans, false);
  show(ui.account, false);
  show(ui.signIn, true);
  show(ui.signInError, false);
  ui.signInSubmit.disabled = false;
  ui.password.value = '';
  if (options.keepUsername !== true) ui.username.value = '';
  setNotice(notice);
  if (!passwordLogin) ui.ssoLink.focus();
  else (ui.username.value === '' ? ui.username : ui.password).focus();
}

/** @param {import('./api.js').SessionData} data */
function showScans(data) {
  session = { csrfToken: data.csrfToken };
  show(ui.loading, false);
  show(ui.signIn, false);
  setNotice('');
  ui.accountName.textContent = data.user.username;
  show(ui.account, true);
  ui.group.replaceChildren(
    ...data.user.accountGroups.map((group) => {
      const option = document.createElement('option');
      option.value = group;
      option.textContent = group;
      return option;
    }),
  );
  show(ui.scans, true);
  ui.scansTitle.focus();
  if (data.user.accountGroups.length === 0) {
    ui.show.disabled = true;
    ui.listStatus.textContent = 'You have no account group to look at. Ask an administrator for access.';
    return;
  }
  ui.show.disabled = false;
  void loadPage(0, [undefined]);
}

/**
 * Shows what went wrong where the person is looking, with a way to retry when retrying can help.
 * @param {import('./api.js').Failure} failure
 * @param {HTMLElement} box
 * @param {HTMLElement} text
 * @param {HTMLButtonElement} button what retries: counts down while a retry must wait
 * @param {{ label: string, waiting: (left: number) => string, onlyForRetry: boolean }} labels the
 *   button's label, its label while a retry must wait, and whether to hide it when retrying cannot help
 */
function showProblem(failure, box, text, button, labels) {
  const problem = explain(failure);
  if (problem.signIn) {
    showSignIn(problem.text, { keepUsername: true });
    return;
  }
  stopWaiting();
  show(box, true);
  if (problem.retry === 'wait') {
    const seconds = problem.waitS;
    text.textContent = `${problem.text} Wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'}, then try again.`;
    button.disabled = true;
    show(button, true);
    stopWaiting = countdown(
      seconds,
      (left) => {
        button.textContent = labels.waiting(left);
      },
      () => {
        button.textContent = labels.label;
        button.disabled = false;
        text.textContent = `${problem.text} You can try again now.`;
      },
    );
  } else {
    text.textContent = problem.text;
    button.textContent = labels.label;
    button.disabled = false;
    show(button, !labels.onlyForRetry || problem.retry === 'now');
  }
}

/** @param {string} traceId */
function referenceText(traceId) {
  return traceId === '' ? '' : `Reference for support: ${traceId}`;
}

/** @param {boolean} value */
function setBusy(value) {
  busy = value;
  ui.scans.setAttribute('aria-busy', String(value));
  ui.show.disabled = value;
  ui.prev.disabled = value || page === 0;
  ui.next.disabled = value || nextCursor === null;
}

/**
 * @param {number} index which page of `pages` to load
 * @param {(string | undefined)[]} pages the cursors of the pages up to it
 */
async function loadPage(index, pages) {
  if (busy) return;
  stopWaiting();
  show(ui.listError, false);
  retryLast = () => void loadPage(index, pages);
  setBusy(true);
  ui.listStatus.textContent = 'Loading scans…';
  const query = {
    group: ui.group.value,
    status: ui.status.value,
    limit: ui.limit.value,
    cursor: pages[index],
  };
  const answer = await call('GET', scansPath(query));
  if (!answer.ok) {
    setBusy(false);
    ui.listStatus.textContent = '';
    ui.listErrorRef.textContent = referenceText(answer.traceId);
    showProblem(answer, ui.listError, ui.listErrorText, ui.retry, {
      label: 'Try again',
      waiting: (left) => `Try again in ${left} s`,
      onlyForRetry: true,
    });
    // Whoever clicked "Next page" at the bottom must see it too, and the keyboard lands on it.
    if (!ui.listError.hidden) {
      ui.listError.scrollIntoView({ block: 'nearest' });
      ui.listError.focus();
    }
    return;
  }
  cursors = pages.slice(0, index + 1);
  page = index;
  const data = /** @type {import('./api.js').ScanPage} */ (answer.data);
  nextCursor = data.hasMore ? data.nextCursor : null;
  renderScans(data.items, query, answer.headers.get('x-cache') ?? '');
  setBusy(false);
  // A new page starts at its top; the focus stays on the pager, to page on.
  if (index !== 0 || pages.length > 1) ui.listStatus.scrollIntoView({ block: 'start' });
}

/**
 * @param {Record<string, unknown>[]} items
 * @param {{ group: string, status: string }} query
 * @param {string} cache
 */
function renderScans(items, query, cache) {
  const what = `${query.status === '' ? 'All' : `Status “${query.status}”`} scans of ${query.group}, page ${page + 1}`;
  ui.caption.textContent = what;
  ui.rows.replaceChildren(...items.map(scanRow));
  show(ui.table, items.length > 0);
  show(ui.empty, items.length === 0);
  const badge = document.createElement('span');
  badge.className = `badge cache-${cache.toLowerCase()}`;
  badge.textContent = `Cache: ${cache || 'unknown'}`;
  const explanation =
    cache in CACHE_STATES ? CACHE_STATES[/** @type {keyof typeof CACHE_STATES} */ (cache)] : '';
  ui.listStatus.replaceChildren(
    `Page ${page + 1} · ${items.length} ${items.length === 1 ? 'scan' : 'scans'}${nextCursor === null ? ' · last page' : ''} · `,
    badge,
    explanation === '' ? '' : ` ${explanation}`,
  );
}

/** @param {unknown} value */
function text(value) {
  if (value === null || value === undefined) return '—';
  // Items come from JSON: anything but a string reads best as JSON.
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** @param {unknown} value */
function timeCell(value) {
  const cell = document.createElement('td');
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    cell.textContent = text(value);
    return cell;
  }
  const time = document.createElement('time');
  time.dateTime = date.toISOString();
  time.textContent = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  cell.append(time);
  return cell;
}

/** @param {Record<string, unknown>} item */
function scanRow(item) {
  const row = document.createElement('tr');
  const id = document.createElement('th');
  id.scope = 'row';
  const code = document.createElement('code');
  code.textContent = text(item['scanId']);
  id.append(code);
  const type = document.createElement('td');
  type.textContent = text(item['type']);
  const status = document.createElement('td');
  const pill = document.createElement('span');
  pill.className = `pill status-${text(item['status'])}`;
  pill.textContent = text(item['status']);
  status.append(pill);
  const others = document.createElement('td');
  others.className = 'others';
  // Fields the vendor adds reach the frontend unchanged: show them rather than drop them.
  others.textContent = Object.entries(item)
    .filter(([key]) => !KNOWN_FIELDS.has(key))
    .map(([key, value]) => `${key}: ${text(value)}`)
    .join('; ');
  row.append(id, type, status, timeCell(item['createdAt']), timeCell(item['updatedAt']), others);
  return row;
}

ui.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn();
});

async function signIn() {
  if (ui.username.value === '' || ui.password.value === '') {
    ui.signInError.textContent = 'Enter your username and password.';
    show(ui.signInError, true);
    (ui.username.value === '' ? ui.username : ui.password).focus();
    return;
  }
  stopWaiting();
  show(ui.signInError, false);
  ui.signInSubmit.disabled = true;
  const answer = await call('POST', '/auth/login', {
    json: { username: ui.username.value, password: ui.password.value },
  });
  ui.signInSubmit.disabled = false;
  if (answer.ok) {
    ui.password.value = '';
    showScans(/** @type {import('./api.js').SessionData} */ (answer.data));
    return;
  }
  const box = document.createElement('p');
  ui.signInError.replaceChildren(box);
  showProblem(answer, ui.signInError, box, ui.signInSubmit, {
    label: 'Sign in',
    waiting: (left) => `Sign in (wait ${left} s)`,
    onlyForRetry: false,
  });
  ui.password.select();
}

ui.filters.addEventListener('submit', (event) => {
  event.preventDefault();
  void loadPage(0, [undefined]);
});
ui.next.addEventListener('click', () => {
  if (nextCursor !== null) void loadPage(page + 1, [...cursors, nextCursor]);
});
ui.prev.addEventListener('click', () => {
  if (page > 0) void loadPage(page - 1, cursors);
});
ui.retry.addEventListener('click', () => retryLast());

ui.signOut.addEventListener('click', () => void signOut());

async function signOut() {
  if (session === undefined) return;
  ui.signOut.disabled = true;
  const answer = await call('POST', '/auth/logout', { csrfToken: session.csrfToken });
  ui.signOut.disabled = false;
  if (answer.ok || answer.error.code === 'UNAUTHENTICATED') {
    showSignIn('You have signed out.');
    return;
  }
  setNotice(`Signing out failed: ${explain(answer).text}`);
}

async function start() {
  const [methods, current] = await Promise.all([call('GET', '/auth/methods'), call('GET', '/auth/session')]);
  const offered = methods.ok ? /** @type {import('./api.js').SignInMethods} */ (methods.data) : undefined;
  const sso = offered?.oidc;
  if (sso?.enabled === true && sso.loginPath !== null) {
    ui.ssoLink.href = `${sso.loginPath}?returnTo=${encodeURIComponent('/')}`;
    show(ui.sso, true);
    // SSO only: no password form, and no "or" before the one way in.
    if (offered?.password === false) {
      passwordLogin = false;
      show(ui.signInForm, false);
      show(ui.ssoOr, false);
    }
  }
  if (current.ok) {
    showScans(/** @type {import('./api.js').SessionData} */ (current.data));
    return;
  }
  showSignIn(current.error.code === 'UNAUTHENTICATED' ? '' : explain(current).text);
}

void start();
