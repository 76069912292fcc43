import { request as send } from 'undici';

/**
 * A browser as far as cookies and redirects go: a cookie jar (by host, name and path, ports
 * ignored as browsers do) and navigations that follow redirects one by one, sending the
 * Sec-Fetch headers a browser sends, `cross-site` when a redirect came from another origin.
 */
interface StoredCookie {
  host: string;
  name: string;
  value: string;
  path: string;
}

export interface Hop {
  url: URL;
  res: Response;
}

export interface Browser {
  /** Follows redirects from `url` until an answer that is not one, or until `stopAt` says so (that request is not made). */
  navigate(
    url: string | URL,
    options?: { stopAt?: (url: URL) => boolean },
  ): Promise<{ last: Hop; hops: Hop[]; stoppedAt?: URL }>;
  /** A plain request with the jar's cookies (a frontend's fetch), no redirects followed. */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  /** The `Cookie` header the jar would send to `url`. */
  cookieHeader(url: string | URL): string;
  cookie(name: string): string | undefined;
}

export function createBrowser(): Browser {
  let jar: StoredCookie[] = [];

  const header = (url: URL) =>
    jar
      .filter((c) => c.host === url.hostname && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');

  const keep = (url: URL, res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attr('path') ?? '/';
      const expired =
        attr('max-age') === '0' ||
        (attr('expires') !== undefined && Date.parse(attr('expires') ?? '') < Date.now());
      jar = jar.filter((c) => !(c.host === url.hostname && c.name === name && c.path === path));
      if (!expired && value !== '') jar.push({ host: url.hostname, name, value, path });
    }
  };

  // undici's request, not fetch: fetch replaces Sec-Fetch-Mode with its own `cors`.
  const request = async (url: URL, init: RequestInit, extra: Record<string, string>) => {
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
    const cookies = header(url);
    if (cookies !== '') headers['cookie'] = cookies;
    Object.assign(headers, extra);
    const method = (init.method ?? 'GET') as 'GET';
    const body = typeof init.body === 'string' ? init.body : undefined;
    const answer = await send(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await answer.body.text();
    const resHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const v of Array.isArray(value) ? value : [value ?? '']) resHeaders.append(name, v);
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304;
    const res = new Response(empty ? null : text, { status: answer.statusCode, headers: resHeaders });
    keep(url, res);
    return res;
  };

  return {
    async navigate(start, options = {}) {
      let url = new URL(start);
      let from: URL | undefined;
      const hops: Hop[] = [];
      for (let i = 0; i < 20; i += 1) {
        if (options.stopAt?.(url) === true && hops.length > 0) {
          const last = hops[hops.length - 1] as Hop;
          return { last, hops, stoppedAt: url };
        }
        const site = from === undefined || from.origin === url.origin ? 'same-origin' : 'cross-site';
        const res = await request(
          url,
          {},
          { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': site },
        );
        hops.push({ url, res });
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || location === null) return { last: { url, res }, hops };
        from = url;
        url = new URL(location, url);
      }
      throw new Error('too many redirects');
    },
    fetch: (url, init = {}) => request(new URL(url), init, {}),
    cookieHeader: (url) => header(new URL(url)),
    cookie: (name) => jar.find((c) => c.name === name)?.value,
  };
}
