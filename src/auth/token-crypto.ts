import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Provider tokens at rest (SESSION_ENCRYPTION_KEY): AES-256-GCM, a random 96-bit IV per token,
 * and the token's purpose and owner as additional data, so a sealed token moved into another
 * session's record does not open. `v1.<key id>.<iv>.<ciphertext>.<tag>`; the key id (from the
 * key's SHA-256) picks the key to open with, so several keys can be in use during a rotation.
 */
export interface TokenCipher {
  seal(plain: string, context: string): string;
  /** undefined when the key is gone, the context differs or the text was altered. */
  open(sealed: string, context: string): string | undefined;
  /** The first key seals from now on; all of them open. */
  setKeys(keys: readonly Buffer[]): void;
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

export function createTokenCipher(initial: readonly Buffer[]): TokenCipher {
  let keys = new Map<string, Buffer>();
  let sealWith: { id: string; key: Buffer } | undefined;
  const setKeys = (next: readonly Buffer[]) => {
    if (next.length === 0 || next.some((k) => k.length !== 32)) {
      throw new Error('every token encryption key must be 32 bytes');
    }
    keys = new Map(next.map((k) => [keyId(k), k]));
    const first = next[0];
    sealWith = first === undefined ? undefined : { id: keyId(first), key: first };
  };
  setKeys(initial);

  return {
    seal(plain, context) {
      if (sealWith === undefined) throw new Error('no token encryption key');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealWith.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return `v1.${sealWith.id}.${parts.join('.')}`;
    },
    open(sealed, context) {
      const [version, id, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || id === undefined || iv === undefined || body === undefined || tag === undefined)
        return undefined;
      const key = keys.get(id);
      if (key === undefined) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        return undefined;
      }
    },
    setKeys,
  };
}
