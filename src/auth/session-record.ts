import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../platform/sha256-hex.js';
import type { OidcSessionClaims, SessionDetails, SessionRecord } from './identity.js';

/** The SHA-256 of a session id, hex: its store key and what its end message carries. */
export const sessionIdHash = sha256Hex;

/**
 * The `id` the session routes show: one way from the id hash, so it names a session without
 * being its store key, let alone its cookie. 22 base64url characters: 132 bits.
 */
export const sessionHandle = (idHash: string) =>
  createHash('sha256').update(`sbff-session-handle:${idHash}`).digest('base64url').slice(0, 22);

const oidcSchema = z.object({
  sub: z.string(),
  sid: z.string().nullable(),
  username: z.string(),
  groups: z.array(z.string()),
  idToken: z.string().nullable(),
  refreshToken: z.string().nullable(),
});

// Defaults: sessions written before login methods existed were all password sessions.
const storedSchema = z.object({
  userId: z.string(),
  createdAt: z.number(),
  csrfToken: z.string(),
  method: z.enum(['password', 'oidc']).default('password'),
  ip: z.string().default('unknown'),
  userAgent: z.string().nullable().default(null),
  oidc: oidcSchema.optional(),
});

export type StoredSession = Omit<SessionRecord, 'lastSeen'>;

export const PASSWORD_DETAILS: SessionDetails = { method: 'password', ip: 'unknown', userAgent: null };

/** What the store keeps of a session, written once: everything but last-seen. */
export function storedJson(record: SessionRecord): string {
  const { lastSeen: _seen, ...stored } = record;
  return JSON.stringify(stored);
}

export function parseStored(json: string | null): StoredSession | undefined {
  if (json === null) return undefined;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(json));
    if (!parsed.success) return undefined;
    const { oidc, ...rest } = parsed.data;
    return oidc === undefined ? rest : { ...rest, oidc: oidc satisfies OidcSessionClaims };
  } catch {
    return undefined;
  }
}
