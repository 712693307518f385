import { createTestDatabase, type TestDatabase } from '../../test/harness';

/**
 * Entities and migrations must describe the same tables: names, columns, types, nullability,
 * array-ness and primary keys. A migration without its entity change (or the reverse) fails here.
 */
describe('entities match the migrated schema', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 1 });
  });
  afterAll(() => t.drop());

  const normalise = (type: string): string =>
    ({ 'timestamp with time zone': 'timestamptz', 'character varying': 'varchar', 'double precision': 'float8', int: 'integer', int4: 'integer', int8: 'bigint', int2: 'smallint', bool: 'boolean', float4: 'real' })[type] ?? type;

  it('has an entity for every table and a table for every entity', async () => {
    const tables: { table_name: string }[] = await t.owner.query(
      `SELECT table_name FROM information_schema.tables t WHERE table_schema = 'public' AND table_type IN ('BASE TABLE')
         AND table_name <> 'schema_migrations' AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = t.table_name)
       UNION SELECT relname FROM pg_class WHERE relkind = 'p' AND relnamespace = 'public'::regnamespace ORDER BY 1`,
    );
    const entityTables = t.owner.entityMetadatas.map((m) => m.tableName).sort();
    expect(entityTables).toEqual(tables.map((r) => r.table_name).sort());
  });

  it('declares every column with the migrated type, nullability and primary key', async () => {
    const columns: { table_name: string; column_name: string; udt_name: string; data_type: string; is_nullable: string }[] = await t.owner.query(
      `SELECT table_name, column_name, udt_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const pks: { table_name: string; column_name: string }[] = await t.owner.query(
      `SELECT kcu.table_name, kcu.column_name FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
       WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'`,
    );
    const problems: string[] = [];
    for (const meta of t.owner.entityMetadatas) {
      const dbColumns = columns.filter((c) => c.table_name === meta.tableName);
      const dbNames = new Set(dbColumns.map((c) => c.column_name));
      const entityNames = new Set(meta.columns.map((c) => c.databaseName));
      for (const name of dbNames) if (!entityNames.has(name)) problems.push(`${meta.tableName}.${name}: in the migration, missing from the entity`);
      for (const col of meta.columns) {
        const db = dbColumns.find((c) => c.column_name === col.databaseName);
        if (!db) {
          problems.push(`${meta.tableName}.${col.databaseName}: in the entity, missing from the migration`);
          continue;
        }
        const dbArray = db.data_type === 'ARRAY';
        const dbType = normalise(dbArray ? db.udt_name.replace(/^_/, '') : db.udt_name);
        const entityType = normalise(String(col.type));
        if (dbType !== entityType) problems.push(`${meta.tableName}.${col.databaseName}: type ${entityType} in the entity, ${dbType} in the migration`);
        if (dbArray !== Boolean(col.isArray)) problems.push(`${meta.tableName}.${col.databaseName}: array ${col.isArray} in the entity, ${dbArray} in the migration`);
        if ((db.is_nullable === 'YES') !== Boolean(col.isNullable)) problems.push(`${meta.tableName}.${col.databaseName}: nullable ${col.isNullable} in the entity, ${db.is_nullable} in the migration`);
      }
      const dbPk = pks.filter((p) => p.table_name === meta.tableName).map((p) => p.column_name).sort();
      const entityPk = meta.primaryColumns.map((c) => c.databaseName).sort();
      if (dbPk.join() !== entityPk.join()) problems.push(`${meta.tableName}: primary key (${entityPk}) in the entity, (${dbPk}) in the migration`);
    }
    expect(problems).toEqual([]);
  });
});
