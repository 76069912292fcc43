import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { statusOf, type ErrorCode } from '../../src/http/errors.js';
import { ERROR_CODES } from '../../src/http/openapi/error-codes.js';
import { routeKeys } from '../../src/http/openapi/document.js';
import { SCANS_PATH } from '../../src/http/routes/scans.js';
import { ACCOUNT_GROUP_ID } from '../../src/platform/account-group-id.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchDocument, openApiPath, type OpenApiDocument } from '../helpers/openapi-contract.js';

interface ErrorSchema {
  properties: { error: { properties: { code: { enum: ErrorCode[] } } } };
}

/** docs/frontend.md#openapi: GET /openapi.json, generated from the routes and their validators. */
describe('GET /openapi.json', () => {
  let gw: TestGateway;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    gw = await startGateway({
      store: 'memory',
      env: { UI_ENABLED: 'true', DOCS_ENABLED: 'true', MAX_PAGE_LIMIT: '60' },
    });
    doc = await fetchDocument(gw.url);
  });
  afterAll(async () => {
    await gw.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator['validate']>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is served as JSON, outside the envelope, the same bytes each time', async () => {
    const [a, b] = await Promise.all([fetch(`${gw.url}/openapi.json`), fetch(`${gw.url}/openapi.json`)]);
    expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(a.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    const text = await a.text();
    expect(text).toBe(await b.text());
    expect(JSON.parse(text)).not.toHaveProperty('success');
  });

  it('describes every route the gateway serves, and no other', () => {
    const served = routeKeys(createApp(gw.deps).routes).map((key) => {
      const [method = '', path = ''] = key.split(' ');
      return `${method.toLowerCase()} ${openApiPath(path)}`;
    });
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops ?? {}).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(served.sort());
  });

  it('takes the scans parameters from the route’s validators, bounds from the configuration', () => {
    const op = doc.paths[openApiPath(SCANS_PATH)]?.['get'];
    const param = (name: string) => op?.parameters?.find((p) => p.name === name);
    expect(param('accountGroupId')).toMatchObject({
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: ACCOUNT_GROUP_ID.source },
    });
    expect(param('limit')).toMatchObject({
      in: 'query',
      schema: { type: 'integer', minimum: 1, maximum: 60 },
    });
    expect(param('cursor')?.schema).toMatchObject({ maxLength: 1024, pattern: '^[A-Za-z0-9_-]+={0,2}$' });
    expect(param('status')?.schema).toMatchObject({ pattern: '^[a-z][a-z0-9_]{0,31}$' });
    expect(op?.security).toEqual([{ sessionCookie: [] }]);
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(
      ['200', '400', '401', '403', '429', '500', '502', '503', '504'].sort(),
    );
  });

  it('documents the login body from its schema, and logout as needing the CSRF token', () => {
    const login = doc.paths['/auth/login']?.['post'];
    expect(login?.requestBody?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: ['username', 'password'],
      additionalProperties: false,
    });
    expect(login?.security).toEqual([]);
    expect(doc.paths['/auth/logout']?.['post']?.security).toEqual([{ sessionCookie: [], csrfToken: [] }]);
    expect(doc.components.securitySchemes).toMatchObject({
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sbff_session' },
      csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
    });
  });

  it('lists every error code, each under its own status only', () => {
    expect(doc.components.schemas?.['ErrorCode']).toMatchObject({ enum: ERROR_CODES });
    const seen = new Set<ErrorCode>();
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops ?? {})) {
        for (const [status, response] of Object.entries(op?.responses ?? {})) {
          if (status === '200') continue;
          const schema = response?.content?.['application/json']?.schema as ErrorSchema;
          for (const code of schema.properties.error.properties.code.enum) {
            expect(statusOf(code), `${op?.operationId ?? ''} ${status} ${code}`).toBe(Number(status));
            seen.add(code);
          }
        }
      }
    }
    // Not per operation: another method (405), answered for paths, not operations (404 is also
    // "no such session"); and the single sign-on routes' own codes, as this gateway has no
    // OIDC_ISSUER (no such routes).
    expect(ERROR_CODES.filter((c) => !seen.has(c)).sort()).toEqual([
      'INVALID_LOGOUT_TOKEN',
      'METHOD_NOT_ALLOWED',
      'SSO_FAILED',
      'SSO_STATE_INVALID',
      'SSO_UNAVAILABLE',
    ]);
  });

  it('names the __Host- cookie when cookies are Secure', async () => {
    const secure = await startGateway({ store: 'memory', env: { COOKIE_SECURE: 'true' } });
    try {
      const secureDoc = await fetchDocument(secure.url);
      expect(secureDoc.components.securitySchemes?.['sessionCookie']?.name).toBe('__Host-sbff_session');
      expect(secureDoc.paths['/docs']).toBeUndefined();
      expect(secureDoc.paths['/']).toBeUndefined();
    } finally {
      await secure.close();
    }
  });
});
