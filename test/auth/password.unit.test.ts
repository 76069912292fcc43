import { describe, expect, it } from 'vitest';
import { createPasswordHasher, hashPassword } from '../../src/auth/password.js';
import { parseScryptHash, PRODUCTION_PARAMS } from '../../src/auth/scrypt-format.js';
import type { User } from '../../src/auth/identity.js';

const CHEAP = { logN: 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('carry their parameters and a 16-byte salt, and verify the right password only', async () => {
    const hash = await hashPassword('correct horse', CHEAP);
    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const hasher = createPasswordHasher({ maxConcurrent: 2 });
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('correct horsE', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
  });

  it('salt every hash afresh', async () => {
    expect(await hashPassword('same', CHEAP)).not.toBe(await hashPassword('same', CHEAP));
  });

  it('verify with the parameters read from the hash, not the current defaults', async () => {
    const older = await hashPassword('pw', { logN: 9, r: 4, p: 2 });
    expect(parseScryptHash(older)?.params).toEqual({ logN: 9, r: 4, p: 2 });
    expect(await createPasswordHasher({ maxConcurrent: 1 }).verify('pw', older)).toBe(true);
  });

  it('default to N=2^17, r=8, p=1', async () => {
    expect(PRODUCTION_PARAMS).toEqual({ logN: 17, r: 8, p: 1 });
    const hash = await hashPassword('production cost');
    expect(hash.startsWith('$scrypt$ln=17,r=8,p=1$')).toBe(true);
    expect(await createPasswordHasher({ maxConcurrent: 1 }).verify('production cost', hash)).toBe(true);
  });

  it('refuse absurd parameters, and malformed or tampered hashes never verify', async () => {
    await expect(hashPassword('pw', { logN: 23, r: 8, p: 1 })).rejects.toThrow(/ln must be/);
    await expect(hashPassword('pw', { logN: 21, r: 32, p: 1 })).rejects.toThrow(/memory/);
    await expect(hashPassword('pw', { logN: 10, r: 0, p: 1 })).rejects.toThrow(/r must be/);
    const good = await hashPassword('pw', CHEAP);
    const hasher = createPasswordHasher({ maxConcurrent: 1 });
    for (const bad of [
      'pw',
      '',
      good.replace('ln=10', 'ln=30'),
      good.replace('ln=10', 'ln=22').replace('r=8', 'r=32'),
      good.replace('$scrypt$', '$bcrypt$'),
      good.slice(0, -10),
      `${good}$extra`,
    ]) {
      expect(parseScryptHash(bad), bad).toBeUndefined();
      expect(await hasher.verify('pw', bad)).toBe(false);
    }
    // A character inside the key (the last one of base64 carries unused bits).
    const flipped = good.slice(0, -5) + (good.at(-5) === 'A' ? 'B' : 'A') + good.slice(-4);
    for (const tampered of [flipped, good.replace('r=8', 'r=4')]) {
      expect(await hasher.verify('pw', tampered), tampered).toBe(false);
    }
  });

  it('run at most maxConcurrent hashes at once; the others wait their turn', async () => {
    const hasher = createPasswordHasher({ maxConcurrent: 1 });
    const hash = await hashPassword('pw', CHEAP);
    const runs = [
      hasher.verify('pw', hash),
      hasher.verify('no', hash),
      hasher.verifyDummy('pw'),
      hasher.verify('pw', hash),
    ];
    expect(hasher.inFlight).toBe(1);
    expect(hasher.waiting).toBe(3);
    let maxInFlight = 0;
    const sample = setInterval(() => (maxInFlight = Math.max(maxInFlight, hasher.inFlight)), 1);
    const [ok, wrong, dummy] = await Promise.all(runs);
    clearInterval(sample);
    expect([ok, wrong, dummy]).toEqual([true, false, false]);
    expect(maxInFlight).toBeLessThanOrEqual(1);
    expect(hasher.inFlight).toBe(0);
    expect(hasher.waiting).toBe(0);
  });

  it('verify a dummy for unknown users: always false, bounded like the others', async () => {
    const passwordHash = await hashPassword('pw', CHEAP);
    const users: User[] = [{ id: 'u1', username: 'u', passwordHash, accountGroups: [], roles: [] }];
    const hasher = createPasswordHasher({ maxConcurrent: 1, users: { all: () => users } });
    const pending = hasher.verifyDummy('pw');
    expect(hasher.inFlight).toBe(1); // one scrypt run, as for a known user: the dummy itself is free
    expect(await pending).toBe(false);
    expect(await hasher.verifyDummy('')).toBe(false);
  });
});
