import crypto from 'node:crypto';

/**
 * Secrets at rest (webhook signing secrets, PagerDuty routing keys) are sealed with AES-256-GCM
 * under a key derived from WATCHFLOOR_SECRET_KEY. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url),
 * so a future key rotation can add v2 without ambiguity.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    if (!secretKey || secretKey.length < 32) throw new Error('WATCHFLOOR_SECRET_KEY must be at least 32 characters');
    this.key = crypto.createHash('sha256').update(`watchfloor-secret-box:${secretKey}`).digest();
  }

  seal(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Development fallback so `npm run dev` works without configuration; production requires the variable. */
export const DEVELOPMENT_SECRET_KEY = 'watchfloor-development-only-secret-key-do-not-use';

export function secretBoxFromEnv(env: NodeJS.ProcessEnv = process.env): SecretBox {
  const key = env.WATCHFLOOR_SECRET_KEY;
  if (key) return new SecretBox(key);
  if (env.NODE_ENV === 'production') throw new Error('WATCHFLOOR_SECRET_KEY is required in production');
  return new SecretBox(DEVELOPMENT_SECRET_KEY);
}
