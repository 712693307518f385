import crypto from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { seedTenantGraph } from '../../test/fixtures';
import { Scope } from './tenant-scope';

/**
 * The database enforces the tenant walls. Tables are enumerated from the catalog (every relation
 * with a tenant_id column, partitions included), so a new table without RLS fails here.
 */
describe('tenant walls (row-level security)', () => {
  let t: TestDatabase;
  const tenantA = crypto.randomUUID();
  const tenantB = crypto.randomUUID();
  let tables: string[];

  beforeAll(async () => {
    t = await createTestDatabase();
    const user = crypto.randomUUID();
    await t.owner.query(`INSERT INTO users (id, email, display_name, role) VALUES ($1, 'a@x.test', 'A', 'SOC_ANALYST')`, [user]);
    await t.db.withScope(Scope.all('test fixture: create tenants'), async (tx) => {
      await tx.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'A', 'tenant-a'), ($2, 'B', 'tenant-b')`, [tenantA, tenantB]);
    });
    await t.db.withScope(Scope.tenant(tenantA), (tx) => seedTenantGraph(tx, tenantA, user));
    await t.db.withScope(Scope.tenant(tenantB), (tx) => seedTenantGraph(tx, tenantB, user));
    const rows: { table_name: string }[] = await t.owner.query(`
      SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND tb.table_type = 'BASE TABLE'
      ORDER BY 1`);
    tables = rows.map((r) => r.table_name);
  });
  afterAll(() => t.drop());

  it('finds the tenant tables, partitions included', () => {
    expect(tables).toEqual(expect.arrayContaining(['incidents', 'alerts', 'events', 'events_default', 'api_keys', 'audit_log']));
    expect(tables.some((name) => /^events_p\d{8}$/.test(name))).toBe(true);
    expect(tables.length).toBeGreaterThanOrEqual(26);
  });

  it('has row-level security enabled and forced, with a policy, on every tenant table', async () => {
    const rows: { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: string }[] = await t.owner.query(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1)`,
      [tables],
    );
    expect(rows).toHaveLength(tables.length);
    for (const row of rows) {
      expect({ table: row.relname, enabled: row.relrowsecurity, forced: row.relforcerowsecurity, policy: Number(row.policies) > 0 }).toEqual({
        table: row.relname,
        enabled: true,
        forced: true,
        policy: true,
      });
    }
  });

  it('switches to a role that is neither superuser nor owner and cannot bypass RLS', async () => {
    const [who] = await t.db.withScope(Scope.tenant(tenantA), (tx) =>
      tx.query<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean }>(
        `SELECT current_user, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    );
    expect(who).toEqual({ current_user: 'watchfloor_app', rolsuper: false, rolbypassrls: false });
    const owners: { relowner: string }[] = await t.owner.query(`SELECT DISTINCT pg_get_userbyid(relowner) AS relowner FROM pg_class WHERE relname = ANY($1)`, [tables]);
    expect(owners.map((o) => o.relowner)).not.toContain('watchfloor_app');
  });

  it("inside tenant A's scope, SELECT * without WHERE returns only A's rows from every tenant table", async () => {
    await t.db.withScope(Scope.tenant(tenantA), async (tx) => {
      for (const table of tables) {
        const rows = await tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM ${table}`);
        expect({ table, seeded: rows.length > 0 }).toEqual({ table, seeded: true });
        expect({ table, tenants: [...new Set(rows.map((r) => r.tenant_id))] }).toEqual({ table, tenants: [tenantA] });
      }
    });
  });

  it("refuses inserting a row of tenant B or moving a row to tenant B from A's scope", async () => {
    for (const table of tables) {
      const insert = t.db.withScope(Scope.tenant(tenantA), (tx) =>
        tx.query(
          `INSERT INTO ${table} OVERRIDING SYSTEM VALUE
           SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(r) || jsonb_build_object('tenant_id', $1::text))).* FROM ${table} r LIMIT 1`,
          [tenantB],
        ),
      );
      await expect(insert).rejects.toMatchObject({ code: '42501' });
      const move = t.db.withScope(Scope.tenant(tenantA), (tx) => tx.query(`UPDATE ${table} SET tenant_id = $1`, [tenantB]));
      await expect(move).rejects.toMatchObject({ code: '42501' });
    }
  });

  it("cannot see, update or delete tenant B's rows from A's scope", async () => {
    for (const table of tables.filter((name) => name !== 'audit_log')) {
      const changed = await t.db.withScope(Scope.tenant(tenantA), async (tx) => {
        const updated = await tx.query(`WITH u AS (UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM u`, [tenantB]);
        const deleted = await tx.query(`WITH d AS (DELETE FROM ${table} WHERE tenant_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [tenantB]);
        return [updated[0], deleted[0]];
      });
      expect({ table, changed }).toEqual({ table, changed: [{ n: 0 }, { n: 0 }] });
    }
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM incidents WHERE tenant_id = $1`, [tenantB]);
    expect(n).toBe(1);
  });

  it('outside any scope the application role sees no tenant rows at all', async () => {
    await t.db.withoutTenant(async (tx) => {
      for (const table of [...tables, 'tenants']) {
        const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        expect({ table, n }).toEqual({ table, n: 0 });
      }
    });
  });

  it('a list scope sees exactly the listed tenants; the all scope sees every tenant', async () => {
    const listed = await t.db.withScope(Scope.tenants([tenantA, tenantB]), (tx) => tx.query<{ n: number }>(`SELECT count(DISTINCT tenant_id)::int AS n FROM incidents`));
    expect(listed[0].n).toBe(2);
    const all = await t.db.withScope(Scope.all('test'), (tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM tenants`));
    expect(all[0].n).toBe(2);
    const none = await t.db.withScope(Scope.tenants([]), (tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`));
    expect(none[0].n).toBe(0);
  });

  it('global rules are readable by every tenant but writable only by the all-tenants scope', async () => {
    await t.db.withScope(Scope.all('test'), (tx) =>
      tx.query(`INSERT INTO detection_rules (owner_tenant_id, sigma_id, kind, title, source_yaml) VALUES (NULL, 'global-1', 'SIGMA', 'Global', 'x')`),
    );
    const seen = await t.db.withScope(Scope.tenant(tenantA), (tx) => tx.query<{ sigma_id: string; owner_tenant_id: string | null }>(`SELECT sigma_id, owner_tenant_id FROM detection_rules ORDER BY sigma_id`));
    expect(seen.map((r) => r.owner_tenant_id ?? 'global')).toEqual(expect.arrayContaining(['global', tenantA]));
    expect(seen.map((r) => r.owner_tenant_id)).not.toContain(tenantB);
    const write = t.db.withScope(Scope.tenant(tenantA), (tx) => tx.query(`INSERT INTO detection_rules (owner_tenant_id, sigma_id, kind, title, source_yaml) VALUES (NULL, 'global-2', 'SIGMA', 'G', 'x')`));
    await expect(write).rejects.toMatchObject({ code: '42501' });
    const [{ n }] = await t.db.withScope(Scope.tenant(tenantA), (tx) => tx.query<{ n: number }>(`WITH u AS (UPDATE detection_rules SET title = 'mine' WHERE owner_tenant_id IS NULL RETURNING 1) SELECT count(*)::int AS n FROM u`));
    expect(n).toBe(0);
  });

  it('the application role cannot rewrite the audit log', async () => {
    const tamper = t.db.withScope(Scope.tenant(tenantA), (tx) => tx.query(`UPDATE audit_log SET action = 'forged'`));
    await expect(tamper).rejects.toMatchObject({ code: '42501' });
  });

  it('returns rows for UPDATE and DELETE … RETURNING like for SELECT', async () => {
    const rows = await t.db.withScope(Scope.tenant(tenantA), (tx) =>
      tx.query<{ id: string }>(`UPDATE incidents SET title = title WHERE tenant_id = $1 RETURNING id`, [tenantA]),
    );
    expect(rows).toHaveLength(1);
    expect(typeof rows[0].id).toBe('string');
    const none = await t.db.withScope(Scope.tenant(tenantA), (tx) => tx.query(`DELETE FROM suppressions WHERE tenant_id = $1 AND false RETURNING id`, [tenantA]));
    expect(none).toEqual([]);
  });
});
