import crypto from 'node:crypto';

/**
 * Sensor API keys look like `wfk_<prefix>_<secret>`: the prefix (public, unique) finds the key
 * row without knowing the tenant; the secret (32 random bytes) is stored only as a SHA-256 hash.
 * A fast hash is right here: the secret has 256 bits of entropy, so it cannot be guessed from the
 * hash, and ingest must verify thousands of requests a second.
 */
const KEY_PATTERN = /^wfk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = crypto.randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = crypto.randomBytes(32).toString('base64url');
  return { key: `wfk_${prefix}_${secret}`, prefix, hash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : null;
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function apiKeyMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKeySecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
