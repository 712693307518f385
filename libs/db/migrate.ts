import type { DataSource } from 'typeorm';
import { Client } from 'pg';

export const APP_ROLE = 'watchfloor_app';

/** Applies pending migrations; a second run is a no-op. Returns the names applied. */
export async function applyMigrations(ds: DataSource): Promise<string[]> {
  const applied = await ds.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/** Names of migrations not yet applied (readiness fails while any are pending). */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const executed = new Set<string>();
  const table = await ds.query(`SELECT to_regclass('schema_migrations') AS t`);
  if (table[0]?.t) {
    for (const row of await ds.query(`SELECT name FROM schema_migrations`)) executed.add(row.name);
  }
  return ds.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !executed.has(name));
}

/** Creates the database named in the URL if it does not exist (dev and test convenience). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    // Two processes racing to create it: the loser sees duplicate_database.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}
