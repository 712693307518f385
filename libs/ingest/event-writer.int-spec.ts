// The batch write path against real Postgres: binary COPY into the per-connection stage, then
// INSERT … SELECT into `events` under the tenant wall (ON CONFLICT only when the batch meets stored events).
import crypto from 'node:crypto';
import { EventPartitionCache } from '@watchfloor/db';
import type { NormalizedEvent } from '@watchfloor/normalize';
import { createTestDatabase, seedTenantWithSensor, type TestDatabase } from '../../test/harness';
import { EventBatchAssembler, toEventRow, type AssembledBatch, type EventRow } from './event-batch';
import { encodeBatch } from './event-copy-encoder';
import { writeEventBatch, type BatchWriteResult } from './event-writer';
import { IngestStageTemp1764600000001 } from '../../migrations/1764600000001-IngestStageTemp';

let t: TestDatabase;
const partitions = new EventPartitionCache();
const tenants: Array<{ tenantId: string; sensorId: string }> = [];
const receivedAt = new Date();

beforeAll(async () => {
  // One connection: every batch below reuses the same session and so the same stage table.
  t = await createTestDatabase({ poolSize: 1 });
  for (const name of ['water', 'power']) tenants.push(await seedTenantWithSensor(t, name, { name: 'eve', kind: 'SURICATA' }));
});
afterAll(async () => {
  await t.drop();
});

function event(overrides: Partial<NormalizedEvent>): NormalizedEvent {
  return {
    ts: new Date(receivedAt.getTime() - 60_000), tsFromSource: true, sourceFormat: 'native', sourceProduct: 'p', sourceLog: 'l', eventClass: 'other',
    category: null, severity: 'LOW', srcIp: null, srcPort: null, dstIp: null, dstPort: null, transport: null, appProtocol: null, communityId: null,
    signature: null, signatureId: null, attackIds: [], otProtocol: null, otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null,
    message: null, sensorEventId: null, raw: {}, ...overrides,
  };
}

function batchOf(rows: EventRow[]): AssembledBatch {
  return { rows, duplicatesInBatch: 0, rejected: [], rejectedCount: 0, records: rows.length, formats: 'native' };
}

function write(tenant: { tenantId: string; sensorId: string }, batch: AssembledBatch, extra: { restorable?: boolean; chunkBytes?: number; batchId?: string } = {}): Promise<BatchWriteResult> {
  return writeEventBatch(
    t.db,
    partitions,
    {
      tenantId: tenant.tenantId,
      sensorId: tenant.sensorId,
      batchId: extra.batchId ?? crypto.randomUUID(),
      receivedAt,
      batch: encodeBatch(batch, { chunkBytes: extra.chunkBytes }),
      ...(extra.restorable ? { restorable: () => encodeBatch(batch, { restorableRaw: true }) } : {}),
    },
    { partitionWindow: { from: new Date(receivedAt.getTime() - 30 * 86400000), to: new Date(receivedAt.getTime() + 8 * 86400000) } },
  );
}

function rowOf(sensorId: string, overrides: Partial<NormalizedEvent>, line?: string): EventRow {
  const row = toEventRow(sensorId, event(overrides), line);
  if (typeof row === 'string') throw new Error(row);
  return row;
}

async function stored(tenantId: string, ids: string[]): Promise<Array<Record<string, unknown>>> {
  return t.owner.query(
    `SELECT id, ts, source_format, source_product, source_log, event_class, category, severity, host(src_ip) AS src_ip, src_port, host(dst_ip) AS dst_ip,
            dst_port, transport, app_protocol, community_id, signature, signature_id, attack_ids, ot_protocol, ot_function, ot_function_code, ot_unit_id,
            ot_operation, message, raw, received_at, sensor_id, tenant_id
       FROM events WHERE tenant_id = $1 AND id = ANY ($2::uuid[]) ORDER BY id`,
    [tenantId, ids],
  );
}

describe('writeEventBatch', () => {
  it('stores every column as the row holds it, across COPY chunks', async () => {
    const [water] = tenants;
    const full = rowOf(water.sensorId, {
      ts: new Date('1999-12-31T23:59:59.123Z'), // before Postgres' epoch: a negative timestamp
      // Short text is copied by the encoder itself while it is ASCII: non-ASCII after ASCII, and the
      // lengths either side of that path's limit (64), must come back as sent.
      category: 'Pumpe Süd: intrusion', severity: 'CRITICAL', srcIp: '10.10.7.23', srcPort: 0, dstIp: '2001:db8::1:0:0:1', dstPort: 65535,
      transport: 'tcp', appProtocol: 'm'.repeat(64), communityId: `1:${'c'.repeat(63)}`, signature: 'Ünïcode ✓ 😀 "quoted" \\ back\\slash\ttab',
      signatureId: '2100498', attackIds: ['T0855', 'T0836', 'with "quote" and \\ and , comma', ''], otProtocol: 'modbus', otFunction: 'write_single_register',
      otFunctionCode: -2147483648, otUnitId: 2147483647, otOperation: 'write', message: 'x'.repeat(3000),
      raw: { nested: { deep: [1, 2.5, 'three', null, true] }, text: 'é €', big: 12345678901234567890 },
    });
    const sparse = rowOf(water.sensorId, { ts: new Date('2038-01-19T03:14:08.999Z'), sourceFormat: 'cef', raw: { only: 'raw' } });
    const result = await write(water, batchOf([full, sparse]), { chunkBytes: 1024 });
    expect(result).toMatchObject({ accepted: 2, duplicates: 0, status: 'PENDING' });

    const rows = await stored(water.tenantId, [full.id, sparse.id]);
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    const a = byId.get(full.id)!;
    expect((a.ts as Date).toISOString()).toBe('1999-12-31T23:59:59.123Z');
    expect(a).toMatchObject({
      tenant_id: water.tenantId, sensor_id: water.sensorId, source_format: 'native', category: 'Pumpe Süd: intrusion', severity: 4, src_ip: '10.10.7.23', src_port: 0,
      dst_ip: '2001:db8::1:0:0:1', dst_port: 65535, transport: 'tcp', app_protocol: full.appProtocol, community_id: full.communityId, signature: full.signature,
      signature_id: '2100498', attack_ids: full.attackIds, ot_function_code: -2147483648, ot_unit_id: 2147483647, ot_operation: 'write', message: full.message,
    });
    expect((a.received_at as Date).getTime()).toBe(receivedAt.getTime());
    expect(a.raw).toEqual(JSON.parse(full.rawJson));
    const b = byId.get(sparse.id)!;
    expect((b.ts as Date).toISOString()).toBe('2038-01-19T03:14:08.999Z');
    expect(b).toMatchObject({ source_format: 'cef', category: null, src_ip: null, src_port: null, attack_ids: null, ot_function_code: null, message: null, raw: { only: 'raw' } });
  });

  it('counts stored events as duplicates and inserts only what is new, with the time bounds of what it inserted', async () => {
    const [water] = tenants;
    // The first 20 an hour apart from 10 h ago; the 10 new ones of the second batch 10 s apart from 2 min ago.
    const base = receivedAt.getTime();
    const rows = Array.from({ length: 30 }, (_, i) =>
      rowOf(water.sensorId, { signatureId: `dup-${i}`, raw: { n: i }, ts: new Date(i < 20 ? base - (10 - i / 2) * 3600_000 : base - 120_000 + (i - 20) * 10_000) }));
    const iso = (d: Date | null) => d?.toISOString();
    const batchIds = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    // All new: the plain INSERT.
    const first = await write(water, batchOf(rows.slice(0, 20)), { batchId: batchIds[0] });
    expect(first).toMatchObject({ accepted: 20, duplicates: 0, status: 'PENDING' });
    expect([iso(first.minTs), iso(first.maxTs)]).toEqual([iso(rows[0].ts), iso(rows[19].ts)]);
    // 20 stored among 30: the INSERT meets one, is rolled back, and the ON CONFLICT one inserts the other 10.
    const second = await write(water, batchOf(rows), { batchId: batchIds[1] });
    expect(second).toMatchObject({ accepted: 10, duplicates: 20, status: 'PENDING' });
    expect([iso(second.minTs), iso(second.maxTs)]).toEqual([iso(rows[20].ts), iso(rows[29].ts)]);
    expect(await write(water, batchOf(rows), { batchId: batchIds[2] })).toMatchObject({ accepted: 0, duplicates: 30, minTs: null, maxTs: null, status: 'DONE' });
    expect(await stored(water.tenantId, rows.map((r) => r.id))).toHaveLength(30);
    // The outbox rows say the same as the results.
    const batches = await t.owner.query(
      `SELECT accepted, duplicates, min_ts, max_ts, status FROM ingest_batches WHERE tenant_id = $1 AND id = ANY ($2::uuid[]) ORDER BY array_position($2::uuid[], id)`,
      [water.tenantId, batchIds],
    );
    expect(batches.map((b: Record<string, unknown>) => [b.accepted, b.duplicates, iso(b.min_ts as Date | null), iso(b.max_ts as Date | null), b.status])).toEqual([
      [20, 0, iso(rows[0].ts), iso(rows[19].ts), 'PENDING'],
      [10, 20, iso(rows[20].ts), iso(rows[29].ts), 'PENDING'],
      [0, 30, undefined, undefined, 'DONE'],
    ]);
  });

  it('leaves nothing in the stage for the next transaction on the connection, after a commit or a failure', async () => {
    const [water, power] = tenants;
    // A batch Postgres refuses (a number beyond numeric's range, kept verbatim) without a second attempt: it fails.
    const line = '{"tiny":1e-20000,"n":"refused"}';
    const refused = rowOf(water.sensorId, { raw: { tiny: 0, n: 'refused' } }, line);
    const kept = rowOf(water.sensorId, { raw: { n: 'kept' } });
    await expect(write(water, batchOf([kept, refused]))).rejects.toMatchObject({ code: expect.stringMatching(/^22/) });
    expect(await stored(water.tenantId, [kept.id, refused.id])).toHaveLength(0);

    // The same connection, another tenant: exactly its own row goes in.
    const other = rowOf(power.sensorId, { raw: { n: 'power' } });
    expect(await write(power, batchOf([other]))).toMatchObject({ accepted: 1, duplicates: 0 });
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1`, [power.tenantId]);
    expect(n).toBe(1);

    // With the second attempt, raw is re-serialized from the parsed value and the batch lands whole.
    expect(await write(water, batchOf([kept, refused]), { restorable: true })).toMatchObject({ accepted: 2 });
    const [row] = await stored(water.tenantId, [refused.id]);
    expect(row.raw).toEqual({ tiny: 0, n: 'refused' });
  });

  it('creates the stage again when the session lost it (a pooler handing out another session, DISCARD ALL)', async () => {
    const [water] = tenants;
    expect(await write(water, batchOf([rowOf(water.sensorId, { raw: { n: 'before-discard' } })]))).toMatchObject({ accepted: 1 });
    // The pool's one connection: its temporary table goes, as after DISCARD ALL.
    await t.owner.query(`DISCARD ALL`);
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'wf_event_stage' AND relpersistence = 't' AND pg_table_is_visible(oid)`);
    expect(n).toBe(0);
    expect(await write(water, batchOf([rowOf(water.sensorId, { raw: { n: 'after-discard' } })]))).toMatchObject({ accepted: 1 });
    expect(await write(water, batchOf([rowOf(water.sensorId, { raw: { n: 'after-discard-2' } })]))).toMatchObject({ accepted: 1 });
  });

  it('drops resent events that were stamped with the receipt time (no ts of their own)', async () => {
    const [water] = tenants;
    const assembler = new EventBatchAssembler(water.sensorId, { format: 'cef', receivedAt }, 100);
    assembler.addLine(1, 'CEF:0|Vendor|FW|1.0|100|Blocked|5|src=10.0.0.1 dst=10.30.0.11 dpt=502');
    const first = assembler.finish();
    expect(first.rows[0].tsFromSource).toBe(false);
    expect(await write(water, first)).toMatchObject({ accepted: 1 });
    // Received again a minute later: another ts, same id.
    const again = new EventBatchAssembler(water.sensorId, { format: 'cef', receivedAt: new Date(receivedAt.getTime() + 60_000) }, 100);
    again.addLine(1, 'CEF:0|Vendor|FW|1.0|100|Blocked|5|src=10.0.0.1 dst=10.30.0.11 dpt=502');
    const resend = again.finish();
    expect(resend.rows[0].id).toBe(first.rows[0].id);
    expect(resend.rows[0].ts.getTime()).not.toBe(first.rows[0].ts.getTime());
    expect(await write(water, resend)).toMatchObject({ accepted: 0, duplicates: 1, status: 'DONE' });

    // Resent beside a new event: the time bounds are the new event's alone, not the dropped one's.
    const mixed = new EventBatchAssembler(water.sensorId, { format: 'auto', receivedAt: new Date(receivedAt.getTime() + 120_000) }, 100);
    mixed.addLine(1, 'CEF:0|Vendor|FW|1.0|100|Blocked|5|src=10.0.0.1 dst=10.30.0.11 dpt=502');
    mixed.addLine(2, JSON.stringify({ schema: 'watchfloor.event/v1', ts: new Date(receivedAt.getTime() - 3600_000).toISOString(), sourceProduct: 'historian', eventClass: 'other', severity: 'LOW', message: 'new beside a resend' }));
    const batch = mixed.finish();
    expect(batch.rows).toHaveLength(2);
    const result = await write(water, batch);
    expect(result).toMatchObject({ accepted: 1, duplicates: 1, status: 'PENDING' });
    expect([result.minTs?.toISOString(), result.maxTs?.toISOString()]).toEqual([batch.rows[1].ts.toISOString(), batch.rows[1].ts.toISOString()]);
  });

  it('two concurrent batches of the same events in opposite orders both commit, and each event is stored once', async () => {
    const db = await createTestDatabase({ poolSize: 4 });
    try {
      const { tenantId, sensorId } = await seedTenantWithSensor(db, 'race');
      const rows = Array.from({ length: 8000 }, (_, i) => rowOf(sensorId, { signatureId: `race-${i}`, raw: { i } }));
      const options = { partitionWindow: { from: new Date(receivedAt.getTime() - 86400000), to: new Date(receivedAt.getTime() + 86400000) } };
      const cache = new EventPartitionCache();
      const send = (ordered: EventRow[]) =>
        writeEventBatch(db.db, cache, { tenantId, sensorId, batchId: crypto.randomUUID(), receivedAt, batch: encodeBatch(batchOf(ordered)) }, options);
      await send([]); // partitions exist before the race
      const results = await Promise.all([send(rows), send([...rows].reverse()), send([...rows.slice(4000), ...rows.slice(0, 4000)])]);
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(8000);
      const [{ n }] = await db.owner.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1`, [tenantId]);
      expect(n).toBe(8000);
    } finally {
      await db.drop();
    }
  });

  it('works where the database denies temporary tables to PUBLIC, because the migration grants them to the app role', async () => {
    const db = await createTestDatabase({ poolSize: 1 });
    try {
      const { tenantId, sensorId } = await seedTenantWithSensor(db, 'hardened');
      await db.owner.query(`REVOKE TEMPORARY ON DATABASE ${db.name} FROM PUBLIC`);
      await db.owner.query(`REVOKE TEMPORARY ON DATABASE ${db.name} FROM watchfloor_app`);
      const options = { partitionWindow: { from: new Date(receivedAt.getTime() - 86400000), to: new Date(receivedAt.getTime() + 86400000) } };
      const send = (n: number) =>
        writeEventBatch(db.db, new EventPartitionCache(), { tenantId, sensorId, batchId: crypto.randomUUID(), receivedAt, batch: encodeBatch(batchOf([rowOf(sensorId, { signatureId: `h-${n}` })])) }, options);
      // A new session (the pool's connection is replaced) so the privilege is checked afresh.
      await db.owner.destroy();
      await db.owner.initialize();
      await expect(send(1)).rejects.toThrow(/permission denied to create temporary tables/);
      const runner = db.owner.createQueryRunner();
      await new IngestStageTemp1764600000001().up(runner);
      await runner.release();
      expect(await send(2)).toMatchObject({ accepted: 1 });
    } finally {
      await db.drop();
    }
  });
});
