import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono, type Context } from 'hono';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../request-context.js';
import {
  PUBLIC_DIR,
  readStaticDir,
  readStaticFile,
  sendStaticFile,
  type StaticFile,
} from '../static-files.js';

/**
 * The example app's policy: its own scripts, styles and API only; no inline script or style, no
 * eval, and DOM sinks (innerHTML and friends) refused outright through Trusted Types.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Swagger UI's policy: its local bundle and stylesheet, and data: images (its icons). No inline code. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The Swagger UI files the page uses, from the installed swagger-ui-dist (never a CDN). */
const SWAGGER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

function assetRoute(files: Map<string, StaticFile>, prefix: string) {
  return (c: Context<AppEnv>) => {
    const file = files.get(c.req.path.slice(prefix.length));
    if (file === undefined) throw new ApiError('NOT_FOUND', 'No such file.');
    return sendStaticFile(c, file);
  };
}

/**
 * GET / (the example app, UI_ENABLED) and GET /docs (Swagger UI, DOCS_ENABLED), each with its
 * assets. Mounted before the cross-site check: they hold no data and change nothing, and a person
 * following a link from another site must get the page, not a 403. Their API calls are checked
 * as usual.
 */
export function pageRoutes(options: { ui: boolean; docs: boolean }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (options.ui) {
    const dir = join(PUBLIC_DIR, 'app');
    const index = readStaticFile(join(dir, 'index.html'));
    const assets = readStaticDir(join(dir, 'assets'));
    app.get('/', (c) => sendStaticFile(c, index, { 'Content-Security-Policy': APP_CSP }));
    app.get('/app/*', assetRoute(assets, '/app/'));
  }
  if (options.docs) {
    const dir = join(PUBLIC_DIR, 'docs');
    const page = readStaticFile(join(dir, 'index.html'));
    const assets = new Map([
      ...readStaticDir(swaggerUiDir(), SWAGGER_FILES),
      ...readStaticDir(join(dir, 'assets')),
    ]);
    app.get('/docs', (c) => sendStaticFile(c, page, { 'Content-Security-Policy': DOCS_CSP }));
    app.get('/docs/assets/*', assetRoute(assets, '/docs/assets/'));
  }
  return app;
}
