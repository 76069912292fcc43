import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher } from '../../src/auth/token-crypto.js';

describe('provider tokens at rest', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

  it('opens what it sealed, and the sealed text holds no part of the token', () => {
    const cipher = createTokenCipher([randomBytes(32)]);
    const sealed = cipher.seal(token, 'id_token:oidc:alice');
    for (const part of token.split('.')) expect(sealed).not.toContain(part);
    expect(cipher.open(sealed, 'id_token:oidc:alice')).toBe(token);
    expect(cipher.seal(token, 'id_token:oidc:alice')).not.toBe(sealed);
  });

  it('does not open with another context, another key or an altered text', () => {
    const cipher = createTokenCipher([randomBytes(32)]);
    const sealed = cipher.seal(token, 'id_token:oidc:alice');
    expect(cipher.open(sealed, 'id_token:oidc:mallory')).toBeUndefined();
    expect(createTokenCipher([randomBytes(32)]).open(sealed, 'id_token:oidc:alice')).toBeUndefined();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(cipher.open(parts.join('.'), 'id_token:oidc:alice')).toBeUndefined();
    expect(cipher.open('not sealed', 'id_token:oidc:alice')).toBeUndefined();
  });

  it('rotates: a new first key seals, the old one still opens until removed', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const cipher = createTokenCipher([oldKey]);
    const before = cipher.seal(token, 'c');
    cipher.setKeys([newKey, oldKey]);
    const after = cipher.seal(token, 'c');
    expect(cipher.open(before, 'c')).toBe(token);
    expect(createTokenCipher([newKey]).open(after, 'c')).toBe(token);
    cipher.setKeys([newKey]);
    expect(cipher.open(before, 'c')).toBeUndefined();
    expect(cipher.open(after, 'c')).toBe(token);
    expect(() => cipher.setKeys([randomBytes(16)])).toThrow();
  });
});
