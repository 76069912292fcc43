import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { createHashSlots } from './hash-slots.js';
import {
  formatScryptHash,
  KEY_BYTES,
  paramsProblem,
  parseScryptHash,
  PRODUCTION_PARAMS,
  SALT_BYTES,
  scryptMemory,
  type ScryptParams,
} from './scrypt-format.js';
import type { PasswordHasher, User } from './identity.js';

export type { ScryptParams } from './scrypt-format.js';

function deriveKey(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.logN,
    r: params.r,
    p: params.p,
    // node's default (32 MiB) is below what N=2^17, r=8 needs.
    maxmem: scryptMemory(params) + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hashes a password into the self-describing format of scrypt-format.ts, with a fresh 16-byte salt.
 * Not bounded by the hasher's slots: the CLI, the demo and test set-up call it directly.
 * @param params @default { logN: 17, r: 8, p: 1 }
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = PRODUCTION_PARAMS,
): Promise<string> {
  const problem = paramsProblem(params);
  if (problem !== undefined) throw new RangeError(`scrypt parameters refused: ${problem}`);
  const salt = randomBytes(SALT_BYTES);
  return formatScryptHash(params, salt, await deriveKey(password, salt, params, KEY_BYTES));
}

async function verifyAgainst(password: string, hash: string): Promise<boolean> {
  const parsed = parseScryptHash(hash);
  if (parsed === undefined) return false;
  const key = await deriveKey(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

export interface PasswordHasherOptions {
  /** Hashes running at once (LOGIN_MAX_CONCURRENT_HASHES); the rest wait in order. */
  maxConcurrent: number;
  /**
   * The users, so the dummy hash for unknown usernames costs what theirs do (the parameters of
   * the first user's hash). @default production parameters when absent or empty
   */
  users?: { all(): readonly User[] };
}

/** The hasher the login route uses, with the stats a test or a metric can read. */
export interface BoundedPasswordHasher extends PasswordHasher {
  readonly inFlight: number;
  readonly waiting: number;
}

/**
 * Verifies and hashes within a bound of `maxConcurrent` scrypt runs. The dummy hash is made once
 * per parameter set, lazily, so a users file whose cost rises on SIGHUP gets a matching dummy.
 */
export function createPasswordHasher(options: PasswordHasherOptions): BoundedPasswordHasher {
  const slots = createHashSlots(options.maxConcurrent);
  const dummies = new Map<string, string>();

  // A random salt and key under the users' parameters: verifying against it costs exactly one
  // scrypt run, like a real user's hash, and no password can match it.
  const dummyHash = (): string => {
    const first = options.users?.all()[0];
    const params = (first && parseScryptHash(first.passwordHash)?.params) ?? PRODUCTION_PARAMS;
    const id = `${params.logN},${params.r},${params.p}`;
    let made = dummies.get(id);
    if (made === undefined) {
      made = formatScryptHash(params, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
      dummies.set(id, made);
    }
    return made;
  };

  return {
    hash: (password) => slots.run(() => hashPassword(password)),
    verify: (password, hash) => slots.run(() => verifyAgainst(password, hash)),
    async verifyDummy(password) {
      const hash = dummyHash();
      await slots.run(() => verifyAgainst(password, hash));
      return false;
    },
    get inFlight() {
      return slots.inFlight;
    },
    get waiting() {
      return slots.waiting;
    },
  };
}
