import type { DescribeRouteOptions } from 'hono-openapi';
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { NEVER_SHED } from '../middleware/shed-overload.js';
import { codesByStatus, ERROR_CODE_DOCS } from './error-codes.js';
import type { HeaderName, Operation } from './operations.js';
import { errorEnvelope, okEnvelope } from './response-schemas.js';
import { inputSchema, outputSchema } from './schema-resolver.js';

type Responses = NonNullable<DescribeRouteOptions['responses']>;

const headerRef = (name: HeaderName): { $ref: string } => ({ $ref: `#/components/headers/${name}` });

function headersOf(names: readonly HeaderName[]): Record<string, { $ref: string }> {
  return Object.fromEntries(['X-Trace-Id' as const, ...names].map((name) => [name, headerRef(name)]));
}

/** What any route of its kind can answer besides its own errors. */
function commonErrors(op: Operation, method: string, path: string): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (op.beforeCrossSiteCheck !== true) codes.push('CSRF_FAILED');
  if (method === 'POST') codes.push('PAYLOAD_TOO_LARGE');
  if (op.security !== 'none') codes.push('UNAUTHENTICATED');
  // Shed under overload, or the store out of reach behind a session.
  if (!NEVER_SHED.has(path) || op.security !== 'none') codes.push('SERVICE_UNAVAILABLE');
  codes.push('INTERNAL_ERROR');
  return codes;
}

function okResponse(op: Operation): Responses[string] {
  const { description, data, media = 'envelope', headers = [] } = op.ok;
  const schema =
    media === 'envelope'
      ? outputSchema(okEnvelope(data ?? z.unknown()))
      : data !== undefined
        ? outputSchema(data)
        : { type: media === 'application/json' ? 'object' : 'string' };
  return {
    description,
    headers: headersOf(headers),
    content: { [media === 'envelope' ? 'application/json' : media]: { schema } },
  } as Responses[string];
}

/** The operation object hono-openapi merges with the validators' parameters. */
export function describeOperation(op: Operation, method: string, path: string): DescribeRouteOptions {
  const responses: Responses = { '200': okResponse(op) };
  for (const [status, codes] of codesByStatus([...op.errors, ...commonErrors(op, method, path)])) {
    const [first, ...rest] = codes;
    if (first === undefined) continue;
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODE_DOCS[code]}`).join('\n\n'),
      headers: headersOf(status === 429 || status === 503 ? ['Retry-After'] : []),
      content: { 'application/json': { schema: outputSchema(errorEnvelope([first, ...rest])) } },
    };
  }
  const security =
    op.security === 'none'
      ? []
      : [op.security === 'session' ? { sessionCookie: [] } : { sessionCookie: [], csrfToken: [] }];
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    security,
    ...(op.body === undefined
      ? {}
      : {
          requestBody: { required: true, content: { 'application/json': { schema: inputSchema(op.body) } } },
        }),
    responses,
  };
}
