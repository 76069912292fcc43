import type { BenchUser } from './users.js';

/** POST /auth/login; the `Cookie` header that carries the session. */
export async function login(gatewayUrl: string, user: BenchUser): Promise<string> {
  const res = await fetch(`${gatewayUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login as ${user.username} answered ${res.status}: ${text}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
  if (cookies.length === 0) throw new Error('login answered 200 without a cookie');
  return cookies.join('; ');
}

/** One GET with the session; throws unless 200. The X-Cache it answered with. */
export async function getPage(
  gatewayUrl: string,
  path: string,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${gatewayUrl}${path}`, { headers: { cookie, ...headers } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return res.headers.get('x-cache') ?? '';
}
