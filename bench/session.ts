import type { BenchUser } from './users.js';

/** Logs in through POST /auth/login and returns the `Cookie` header value of the session. */
export async function login(gatewayUrl: string, user: BenchUser): Promise<string> {
  const res = await fetch(`${gatewayUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login as ${user.username} answered ${res.status}: ${text}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (cookie === undefined || cookie === '') throw new Error('login answered 200 without a session cookie');
  return cookie;
}

/** One GET; throws unless it answers 200. Returns the X-Cache header. */
export async function getPage(gatewayUrl: string, path: string, cookie: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}${path}`, { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return res.headers.get('x-cache') ?? '';
}
