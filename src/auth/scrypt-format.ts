/**
 * The password hash string: `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (salt and key in unpadded
 * base64). It carries its own cost and salt, so hashes made under older defaults keep verifying
 * when the defaults rise.
 */

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

export interface ParsedScryptHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** docs/configuration.md#password-hashes: N=2^17, r=8, p=1 (about 128 MiB and a few hundred ms per hash). */
export const PRODUCTION_PARAMS: Readonly<ScryptParams> = Object.freeze({ logN: 17, r: 8, p: 1 });

export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

/** A hash may not ask for more memory than this: a crafted file must not exhaust the host. */
const MAX_MEMORY_BYTES = 1024 ** 3;

const PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/;

/** Why the parameters are unusable, or undefined when they are fine. */
export function paramsProblem({ logN, r, p }: ScryptParams): string | undefined {
  if (!Number.isInteger(logN) || logN < 1 || logN > 22) return 'ln must be 1..22';
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r must be 1..32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p must be 1..16';
  if (scryptMemory({ logN, r, p }) > MAX_MEMORY_BYTES) return 'the parameters need over 1 GiB of memory';
  return undefined;
}

/** What node's scrypt allocates (128·r·(N+p+2)), to raise `maxmem` just enough. */
export function scryptMemory({ logN, r, p }: ScryptParams): number {
  return 128 * r * (2 ** logN + p + 2);
}

export function formatScryptHash(params: ScryptParams, salt: Buffer, key: Buffer): string {
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** The parts of a hash string, or undefined when it is not one this gateway can verify. */
export function parseScryptHash(hash: string): ParsedScryptHash | undefined {
  const m = PATTERN.exec(hash);
  if (m === null) return undefined;
  const [, ln, r, p, salt, key] = m;
  const params = { logN: Number(ln), r: Number(r), p: Number(p) };
  if (paramsProblem(params) !== undefined) return undefined;
  const saltBytes = Buffer.from(salt ?? '', 'base64');
  const keyBytes = Buffer.from(key ?? '', 'base64');
  // Exactly 32 or 64: scrypt's output for a shorter length is a prefix of the longer one, so a
  // truncated key would still verify.
  if (saltBytes.length < SALT_BYTES || (keyBytes.length !== 32 && keyBytes.length !== 64)) return undefined;
  return { params, salt: saltBytes, key: keyBytes };
}
