import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

/** `public/` of the package: two levels up from both src/http/ (tsx) and dist/http/ (built). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

/** One file read into memory with its type and a content hash as ETag. */
export function readStaticFile(path: string): StaticFile {
  const type = TYPES[extname(path)];
  if (type === undefined) throw new Error(`no content type for ${path}`);
  const body = new Uint8Array(readFileSync(path));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, type, etag };
}

/**
 * Every file of a directory (not its subdirectories), by name. Read once at start-up: a request can
 * only ever get one of these, so no path from a URL reaches the file system.
 */
export function readStaticDir(dir: string, only?: readonly string[]): Map<string, StaticFile> {
  const names =
    only ??
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  return new Map(names.map((name) => [name, readStaticFile(join(dir, name))]));
}

/**
 * The file, or 304 when the browser has this version. `no-cache`: always revalidated, so a new
 * release shows at once. The security headers the app adds to every answer come on top
 * (trace-request.ts); `headers` (a page's own CSP) win over them.
 */
export function sendStaticFile(c: Context, file: StaticFile, headers: Record<string, string> = {}): Response {
  const own = { ...headers, 'Cache-Control': 'no-cache', ETag: file.etag };
  if (c.req.header('if-none-match') === file.etag) return new Response(null, { status: 304, headers: own });
  return new Response(file.body, { status: 200, headers: { ...own, 'Content-Type': file.type } });
}
