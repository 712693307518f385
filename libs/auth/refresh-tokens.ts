import crypto from 'node:crypto';
import type { ScopedTx } from '@watchfloor/tenancy';

/**
 * Rotating refresh tokens: 32 random bytes shown once, stored as SHA-256. Each use revokes the
 * token and issues its successor in the same family; presenting an already-rotated token means
 * it was stolen (or replayed), so the whole family is revoked.
 */
export function hashRefreshToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function issueRefreshToken(tx: ScopedTx, userId: string, ttlSeconds: number, familyId: string = crypto.randomUUID()): Promise<{ token: string; id: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id`,
    [userId, familyId, hashRefreshToken(token), ttlSeconds],
  );
  return { token, id: row.id };
}

export type RotationResult =
  | { kind: 'rotated'; userId: string; token: string }
  | { kind: 'invalid' }
  | { kind: 'reused'; userId: string; familyId: string };

export async function rotateRefreshToken(tx: ScopedTx, presented: string, ttlSeconds: number): Promise<RotationResult> {
  const [row] = await tx.query<{ id: string; user_id: string; family_id: string; revoked_at: Date | null; expired: boolean }>(
    `SELECT id, user_id, family_id, revoked_at, expires_at <= now() AS expired FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
    [hashRefreshToken(presented)],
  );
  if (!row) return { kind: 'invalid' };
  if (row.revoked_at) {
    await tx.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [row.family_id]);
    return { kind: 'reused', userId: row.user_id, familyId: row.family_id };
  }
  if (row.expired) return { kind: 'invalid' };
  const next = await issueRefreshToken(tx, row.user_id, ttlSeconds, row.family_id);
  await tx.query(`UPDATE refresh_tokens SET revoked_at = now(), replaced_by = $2 WHERE id = $1`, [row.id, next.id]);
  return { kind: 'rotated', userId: row.user_id, token: next.token };
}
