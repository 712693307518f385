import type { DataSource } from 'typeorm';
import { hashPassword } from './passwords';

/**
 * Creates the platform admin named by WATCHFLOOR_ADMIN_EMAIL / WATCHFLOOR_ADMIN_PASSWORD if no
 * user has that email. Idempotent: an existing user is left untouched (its password is not reset).
 */
export async function ensureBootstrapAdmin(ds: DataSource, env: NodeJS.ProcessEnv): Promise<{ email: string; created: boolean } | null> {
  const email = env.WATCHFLOOR_ADMIN_EMAIL?.trim();
  const password = env.WATCHFLOOR_ADMIN_PASSWORD;
  if (!email || !password) return null;
  const existing = await ds.query(`SELECT id FROM users WHERE lower(email) = lower($1)`, [email]);
  if (existing.length) return { email, created: false };
  const hash = await hashPassword(password);
  const inserted = await ds.query(
    `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, $3, 'PLATFORM_ADMIN')
     ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
    [email, 'Platform admin', hash],
  );
  return { email, created: inserted.length > 0 };
}
