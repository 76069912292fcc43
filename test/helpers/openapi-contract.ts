import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document the contract check reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject | undefined> | undefined>;
  components: {
    schemas?: Record<string, unknown>;
    headers?: Record<string, HeaderObject>;
    securitySchemes?: Record<string, { type: string; in?: string; name?: string }>;
  };
}

export interface OperationObject {
  operationId?: string;
  parameters?: { in: string; name: string; required?: boolean; schema: Record<string, unknown> }[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, ResponseObject | undefined>;
}

interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, { schema: unknown } | undefined>;
}

interface HeaderObject {
  required?: boolean;
  schema: Record<string, unknown>;
}

export async function fetchDocument(baseUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(`${baseUrl}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** `/v1/accounts/:accountGroupId/x` (Hono) → `/v1/accounts/{accountGroupId}/x` (OpenAPI). */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

// ajv-formats is CommonJS: imported as ESM, its plugin is under `default`.
const addFormats = addFormatsPlugin.default;

/**
 * Holds a real answer against what the document says of it: the status is listed for that
 * operation, each required header is there and fits its schema, the media type is listed, and a
 * JSON body fits its schema (with the document's components). Throws saying what does not fit;
 * returns the parsed body.
 */
export function createContractCheck(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  // The components ride along in each compiled schema, so `#/components/...` resolves.
  const validatorFor = (key: string, schema: unknown) => {
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile({ ...(schema as object), components: doc.components });
      compiled.set(key, validate);
    }
    return validate;
  };
  const fits = (key: string, schema: unknown, value: unknown) => {
    const validate = validatorFor(key, schema);
    return validate(value) ? undefined : ajv.errorsText(validate.errors, { dataVar: 'body' });
  };

  return async function expectDocumented(res: Response, method: string, path: string): Promise<unknown> {
    const where = `${method} ${path} → ${res.status}`;
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (op === undefined) throw new Error(`${method} ${path} is not in the document`);
    const response = op.responses[String(res.status)];
    if (response === undefined) throw new Error(`${where}: the document lists no such status`);

    for (const [name, given] of Object.entries(response.headers ?? {})) {
      const header = '$ref' in given ? doc.components.headers?.[given.$ref.split('/').pop() ?? ''] : given;
      if (header === undefined) throw new Error(`${where}: header ${name} refers to nothing`);
      const value = res.headers.get(name);
      if (value === null) {
        if (header.required === true) throw new Error(`${where}: required header ${name} is missing`);
        continue;
      }
      const typed = header.schema['type'] === 'integer' ? Number(value) : value;
      const problem = fits(`header ${name}`, header.schema, typed);
      if (problem !== undefined) throw new Error(`${where}: header ${name}: ${value}: ${problem}`);
    }

    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const media = response.content?.[mediaType];
    if (media === undefined) throw new Error(`${where}: media type ${mediaType} is not listed`);
    const text = await res.text();
    if (mediaType !== 'application/json') return text;
    const body: unknown = JSON.parse(text);
    const problem = fits(`${where} ${mediaType}`, media.schema, body);
    if (problem !== undefined)
      throw new Error(`${where}: the body does not fit: ${problem}\n${text.slice(0, 500)}`);
    return body;
  };
}
