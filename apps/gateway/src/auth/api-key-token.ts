// The API key a tenant sends: `mcp_<keyId>_<secret>`. The id finds the stored key; only the
// secret's SHA-256 is stored (the secret is 256 random bits, so a slow hash would buy nothing).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_ID_BYTES = 8;
const SECRET_BYTES = 32;
const TOKEN = /^mcp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyToken {
  keyId: string;
  secret: string;
}

export interface IssuedApiKey extends ApiKeyToken {
  /** The whole key as the tenant sends it; returned once, never stored or logged. */
  token: string;
  secretSha256: Buffer;
}

/** A fresh key: a short random id and a 32-byte random secret. */
export function issueApiKey(): IssuedApiKey {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { keyId, secret, token: `mcp_${keyId}_${secret}`, secretSha256: secretDigest(secret) };
}

/** The id and secret of a well-formed key, or undefined (without touching any store). */
export function parseApiKey(token: string): ApiKeyToken | undefined {
  const match = TOKEN.exec(token);
  return match ? { keyId: match[1], secret: match[2] } : undefined;
}

export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares the secret's digest with the stored one in constant time. */
export function secretMatches(secret: string, storedSha256: Buffer): boolean {
  const given = secretDigest(secret);
  return given.length === storedSha256.length && timingSafeEqual(given, storedSha256);
}
