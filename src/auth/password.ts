// PLACEHOLDER (auth helper replaces).
import type { PasswordHasher, UserDirectory } from './types.js';

export function createPasswordHasher(_options: {
  maxConcurrent: number;
  users?: UserDirectory;
}): PasswordHasher {
  return {
    hash: (password) => Promise.resolve(password),
    verify: (password, hash) => Promise.resolve(password === hash),
    verifyDummy: () => Promise.resolve(false),
  };
}

// PLACEHOLDER signature the test helpers rely on: hash with explicit scrypt parameters.
export function hashPassword(
  password: string,
  _params?: { logN: number; r: number; p: number },
): Promise<string> {
  return Promise.resolve(password);
}
