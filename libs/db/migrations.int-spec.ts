import { Client } from 'pg';
import { createTestDatabase, withDatabase } from '../../test/harness';
import { applyMigrations, createDataSource, pendingMigrations } from './index';

describe('migrations', () => {
  it('a second run on a migrated database applies nothing', async () => {
    const t = await createTestDatabase({ poolSize: 1 });
    try {
      expect(await pendingMigrations(t.owner)).toEqual([]);
      expect(await applyMigrations(t.owner)).toEqual([]);
    } finally {
      await t.drop();
    }
  });

  it('every migration goes up on an empty database and down again cleanly, then up again', async () => {
    const name = `wf_t_${Math.floor(Date.now() / 1000)}_empty${process.pid}`;
    const server = process.env.WF_TEST_SERVER_URL!;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const ds = createDataSource({ url: withDatabase(server, name), poolSize: 1 });
    try {
      await ds.initialize();
      const applied = await applyMigrations(ds);
      expect(applied.length).toBe(ds.migrations.length);
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      const left: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`);
      expect(left[0].n).toBe(0);
      const fns: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`);
      expect(fns[0].n).toBe(0);
      expect(await pendingMigrations(ds)).toHaveLength(applied.length);
      expect(await applyMigrations(ds)).toEqual(applied);
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
