/** Where a login goes: a gateway's base URL, or anything that has one (a TestGateway, a process). */
export type LoginTarget = string | { url: string };

export interface Credentials {
  username: string;
  password: string;
}

export interface LoggedIn {
  /** The Cookie header value that carries the session. */
  cookie: string;
  csrfToken: string;
  /** What the login answered in `data` (user, csrfToken, expiresAt). */
  data: unknown;
}

const urlOf = (target: LoginTarget) => (typeof target === 'string' ? target : target.url);

/**
 * One POST /auth/login, answered as it is: credentials as JSON, or a raw body string. Headers
 * (an Origin, a forwarded address, another content type) go on top of `content-type: application/json`.
 */
export function postLogin(
  target: LoginTarget,
  body: Credentials | string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${urlOf(target)}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Logs in, in process or in the real gateway process; throws unless the answer is 200. */
export async function login(
  target: LoginTarget,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LoggedIn> {
  const res = await postLogin(target, { username, password }, headers);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: { csrfToken: string } };
  return {
    cookie: sessionCookieOf(res),
    csrfToken: body.data.csrfToken,
    data: body.data,
  };
}

/** The `name=value` of the cookie a response sets ('' when none). */
export function sessionCookieOf(res: Response): string {
  return (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
}
