import { resolver } from 'hono-openapi';
import { z } from 'zod';

type OverrideContext = Parameters<NonNullable<z.core.JSONSchemaGeneratorParams['override']>>[0];

/**
 * What a client may send, as the validator sees it. Two things zod's input view loses are put back:
 * a digits-only string piped into a bounded number is documented as that integer with its bounds
 * (the usual OpenAPI reading of a query parameter, the lexical rule kept in the description), and a
 * default shows as `default`.
 */
function documentInput(ctx: OverrideContext): void {
  const def = ctx.zodSchema._zod.def;
  if (def.type === 'default' && ctx.jsonSchema.default === undefined) {
    ctx.jsonSchema.default = def.defaultValue;
  }
  if (def.type !== 'pipe') return;
  const { $schema: _ignored, ...out } = z.toJSONSchema(def.out, { io: 'output', unrepresentable: 'any' });
  if (out.type !== 'integer' && out.type !== 'number') return;
  const lexical = ctx.jsonSchema.pattern;
  delete ctx.jsonSchema.pattern;
  Object.assign(ctx.jsonSchema, out);
  if (lexical !== undefined) ctx.jsonSchema.description = `Decimal digits only (${lexical}).`;
}

/** A request schema (query, path, body) for hono-openapi, from the zod schema that validates it. */
export function inputSchema(schema: z.ZodType) {
  return resolver(schema, { options: { unrepresentable: 'any', override: documentInput } });
}

/** A response schema for hono-openapi: what the gateway sends. */
export function outputSchema(schema: z.ZodType) {
  return resolver(schema, { options: { io: 'output', unrepresentable: 'any' } });
}
