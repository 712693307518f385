import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../libs/config';
import { applyMigrations, createDataSource } from '../libs/db';
import { ensureLocalServices, withDatabase } from '../libs/devstack';

const root = path.resolve(__dirname, '..');

/** The template's name changes whenever a migration file changes, so a stale template is never reused. */
function templateName(): string {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(path.join(root, 'migrations')).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(root, 'migrations', file)));
  }
  return `wf_tmpl_${hash.digest('hex').slice(0, 12)}`;
}

export default async function globalSetup(): Promise<void> {
  const services = await ensureLocalServices({
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL || DEFAULT_REDIS_URL,
    dataDir: path.join(root, '.data'),
  });
  const template = templateName();
  process.env.WF_TEST_SERVER_URL = withDatabase(services.databaseUrl, 'postgres');
  process.env.WF_TEST_TEMPLATE_DB = template;
  process.env.REDIS_URL = services.redisUrl;

  const admin = new Client({ connectionString: process.env.WF_TEST_SERVER_URL });
  await admin.connect();
  try {
    // Serialise concurrent test runs building the same template.
    await admin.query(`SELECT pg_advisory_lock(hashtext('watchfloor-test-template'))`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
      await admin.query(`CREATE DATABASE ${building}`);
      const ds = createDataSource({ url: withDatabase(services.databaseUrl, building), poolSize: 1 });
      await ds.initialize();
      try {
        await applyMigrations(ds);
      } finally {
        await ds.destroy();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    }
    // Databases of earlier runs that crashed before dropping theirs (names carry their creation time).
    const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname ~ '^wf_t_[0-9]+_'`);
    const cutoff = Math.floor(Date.now() / 1000) - 3 * 3600;
    for (const { datname } of stale.rows) {
      if (Number(datname.split('_')[2]) < cutoff) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(hashtext('watchfloor-test-template'))`).catch(() => undefined);
    await admin.end();
  }
}
