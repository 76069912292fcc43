import { z } from 'zod';

const exportEnvSchema = z
  .object({
    REDIS_URL: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === undefined || v === '' ? undefined : v))
      .pipe(
        z.union([
          z.undefined(),
          z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' }),
        ]),
      ),
    REDIS_CLUSTER_NODES: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      )
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be comma-separated host:port pairs'))),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'may hold only letters, digits and : _ . - (no braces)')
      .default('sbff:'),
  })
  .refine((e) => e.REDIS_URL !== undefined || e.REDIS_CLUSTER_NODES.length > 0, {
    path: ['REDIS_URL'],
    message:
      'is required (or REDIS_CLUSTER_NODES): the audit stream lives in Redis; the embedded store has none to export',
  });

export interface ExportConfig {
  redis: { url: string | undefined; clusterNodes: string[]; keyPrefix: string };
}

/**
 * The three variables `audit:export` needs, parsed like config.ts parses them, without the
 * gateway's required UPSTREAM_* and USERS_FILE. Throws one line per problem.
 */
export function loadExportConfig(env: Record<string, string | undefined>): ExportConfig {
  const result = exportEnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(
      result.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`).join('\n'),
    );
  }
  const e = result.data;
  return { redis: { url: e.REDIS_URL, clusterNodes: e.REDIS_CLUSTER_NODES, keyPrefix: e.REDIS_KEY_PREFIX } };
}
