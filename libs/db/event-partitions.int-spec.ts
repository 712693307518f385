import crypto from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { Scope } from '../tenancy';
import { maintainEventPartitions } from './event-partitions';

describe('event partitions', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 2 });
  });
  afterAll(() => t.drop());

  const partitions = async (): Promise<string[]> =>
    (await t.owner.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1`)).map(
      (r: { relname: string }) => r.relname,
    );

  it('creates partitions ahead, moves early rows out of the default partition, and drops expired ones', async () => {
    const tenant = crypto.randomUUID();
    const sensor = crypto.randomUUID();
    const batch = crypto.randomUUID();
    await t.db.withScope(Scope.all('fixture'), (tx) => tx.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'T', 'tenant-t')`, [tenant]));
    await t.db.withScope(Scope.tenant(tenant), async (tx) => {
      await tx.query(`INSERT INTO sensors (tenant_id, id, name, kind) VALUES ($1, $2, 's', 'ZEEK')`, [tenant, sensor]);
      // An event five days ahead lands in the default partition before its day's partition exists.
      await tx.query(
        `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, severity, raw)
         VALUES ($1, $2, now() + interval '5 days', now(), $3, $4, 'zeek', 'zeek', 'conn', 'flow', 0, '{}')`,
        [tenant, crypto.randomUUID(), sensor, batch],
      );
    });
    const now = new Date();
    const result = await maintainEventPartitions(t.db, { now, daysAhead: 7, retentionDays: 90 });
    expect(result.ensured).toHaveLength(9);
    const five = new Date(now.getTime() + 5 * 86400000).toISOString().slice(0, 10).replace(/-/g, '');
    expect(await partitions()).toContain(`events_p${five}`);
    const [{ n: inDefault }] = await t.owner.query(`SELECT count(*)::int AS n FROM events_default`);
    expect(inDefault).toBe(0);
    const [{ n: inDay }] = await t.owner.query(`SELECT count(*)::int AS n FROM events_p${five}`);
    expect(inDay).toBe(1);

    // Running again changes nothing.
    const again = await maintainEventPartitions(t.db, { now, daysAhead: 7, retentionDays: 90 });
    expect(again.dropped).toEqual([]);
    expect(await partitions()).toHaveLength(10);

    // 100 days later with a 90-day retention, today's partitions have expired.
    const later = await t.db.withScope(Scope.all('test'), (tx) => tx.query<{ part: string }>(`SELECT wf_drop_expired_event_partitions(-100) AS part`));
    expect(later.length).toBe(9);
    expect(await partitions()).toEqual(['events_default']);
  });
});

describe('event partitions under concurrent creators', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 8 });
  });
  afterAll(() => t.drop());

  it('eight transactions creating the same new day at once all succeed with one partition', async () => {
    const day = '2031-01-15';
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => t.db.withScope(Scope.all('test'), (tx) => tx.query<{ part: string }>(`SELECT wf_ensure_event_partition($1::date) AS part`, [day]))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'events_p20310115'`);
    expect(n).toBe(1);
  });
});
