import 'reflect-metadata';
import { commonSchema, loadConfigOrExit } from '@watchfloor/config';
import { applyMigrations, ensureDatabase, withDataSource } from '@watchfloor/db';
import { ensureBootstrapAdmin } from '@watchfloor/auth';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, then ensures the bootstrap admin. */
export async function migrate(databaseUrl: string, env: NodeJS.ProcessEnv = process.env, log = (line: string) => console.log(line)): Promise<void> {
  await ensureDatabase(databaseUrl);
  await withDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'watchfloor-migrate' }, async (ds) => {
    const applied = await applyMigrations(ds);
    log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: nothing to apply');
    const admin = await ensureBootstrapAdmin(ds, env);
    if (admin) log(`migrate: bootstrap admin ${admin.email} ${admin.created ? 'created' : 'already present'}`);
  });
}

if (require.main === module) {
  const config = loadConfigOrExit('migrate', commonSchema);
  migrate(config.DATABASE_URL).catch((err) => {
    console.error(`migrate: failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
