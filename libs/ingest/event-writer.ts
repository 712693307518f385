// The write path of one batch: one transaction in the sensor's tenant scope holding the events,
// the ingest_batches outbox row and the sensor's heartbeat. 202 is answered only after it commits.
import type { EventPartitionCache } from '@watchfloor/db';
import { Scope, type ScopedTx, type TenantDb } from '@watchfloor/tenancy';
import { STAGE_COLUMNS, type EncodedBatch } from './event-copy-encoder';

export interface BatchWriteInput {
  tenantId: string;
  sensorId: string;
  batchId: string;
  receivedAt: Date;
  batch: EncodedBatch;
  /**
   * The same batch with raw re-serialized from the parsed records (encodeBatch's restorableRaw),
   * for a second attempt when Postgres refuses a line stored verbatim. Without it, that error is thrown.
   */
  restorable?: () => EncodedBatch;
}

export interface BatchWriteResult {
  accepted: number;
  duplicates: number;
  minTs: Date | null;
  maxTs: Date | null;
  /** PENDING when events were inserted (a detect job is due), DONE when there was nothing new. */
  status: 'PENDING' | 'DONE';
}

export interface BatchWriteOptions {
  /**
   * Day partitions are created only for days inside this window (retention .. a week ahead):
   * a batch of absurd timestamps must not create thousands of tables. Other rows land in the
   * default partition, which partition maintenance moves or expires.
   */
  partitionWindow: { from: Date; to: Date };
}

/**
 * The batch's rows go to a per-connection temporary table first, by binary COPY (the cheapest
 * way into Postgres for both sides: no bound parameters, no text parsing of uuids and times),
 * then into `events` with one INSERT … SELECT. COPY cannot go straight into `events`: Postgres
 * refuses COPY FROM into a table under row-level security, and it has no ON CONFLICT. The
 * INSERT is checked by the tenant wall like any other, and deduplicates against stored events.
 * ON COMMIT DELETE ROWS empties the stage at the end of every transaction, committed or not;
 * IF NOT EXISTS makes it safe behind a pooler that hands out a different session each time.
 */
const STAGE_TABLE = 'wf_event_stage';
const CREATE_STAGE_SQL = `CREATE TEMP TABLE IF NOT EXISTS ${STAGE_TABLE} (${STAGE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}) ON COMMIT DELETE ROWS`;
const COPY_STAGE_SQL = `COPY ${STAGE_TABLE} (${STAGE_COLUMNS.map(([name]) => name).join(', ')}) FROM STDIN (FORMAT binary)`;
const STAGE_CASTS: Record<string, string> = { src_ip: 'src_ip::inet', dst_ip: 'dst_ip::inet' };
// $1..$4 are the same for every row of a batch. In id order, so that two batches holding the same
// events take their index locks in the same order instead of deadlocking.
export const INSERT_FROM_STAGE_SQL = `WITH inserted AS (
  INSERT INTO events (tenant_id, received_at, sensor_id, batch_id, ${STAGE_COLUMNS.map(([name]) => name).join(', ')})
  SELECT $1::uuid, $2::timestamptz, $3::uuid, $4::uuid, ${STAGE_COLUMNS.map(([name]) => STAGE_CASTS[name] ?? name).join(', ')} FROM ${STAGE_TABLE} ORDER BY id
  ON CONFLICT DO NOTHING RETURNING 1)
SELECT count(*)::int AS n FROM inserted`;

/** UTC day (YYYY-MM-DD) of a timestamp. */
export function utcDay(ts: Date): string {
  return ts.toISOString().slice(0, 10);
}

/** Writes one batch in one transaction; see BatchWriteResult. */
export async function writeEventBatch(db: TenantDb, partitions: EventPartitionCache, input: BatchWriteInput, options: BatchWriteOptions): Promise<BatchWriteResult> {
  const fromDay = options.partitionWindow.from.getTime() / 86400000;
  const toDay = options.partitionWindow.to.getTime() / 86400000;
  const days = new Set(input.batch.dayNumbers.filter((d) => d + 1 > fromDay && d < toDay).map((d) => utcDay(new Date(d * 86400000))));
  // Partition DDL runs in its own short transaction before the batch, so the batch never waits on it.
  if (days.size) await ensurePartitions(db, partitions, days);

  try {
    return await writeRows(db, input, input.batch);
  } catch (err) {
    // raw taken verbatim from a JSON line that jsonb refuses after all (a number beyond numeric's
    // range, which JavaScript read as 0 or as a rounded value): store the batch again with raw
    // re-serialized from the parsed value, as it was stored before raw lines were kept verbatim.
    if (sqlState(err)?.startsWith('22') !== true || !input.restorable) throw err;
    return writeRows(db, input, input.restorable());
  }
}

function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

async function writeRows(db: TenantDb, input: BatchWriteInput, batch: EncodedBatch): Promise<BatchWriteResult> {
  return db.withScope(Scope.tenant(input.tenantId), async (tx) => {
    let accepted = 0;
    if (batch.rowCount > 0) {
      await tx.query(CREATE_STAGE_SQL);
      await tx.copyIn(COPY_STAGE_SQL, () => batch.copyChunks);
      await dropKnownReceivedAtEvents(tx, input.tenantId, batch.receivedAtIds);
      const [inserted] = await tx.query<{ n: number }>(INSERT_FROM_STAGE_SQL, [input.tenantId, input.receivedAt, input.sensorId, input.batchId]);
      accepted = inserted.n;
    }
    // Bounds over the rows offered (a superset of those inserted): enough to prune partitions
    // when detection loads the batch.
    const minTs = accepted > 0 && batch.minTsMs !== null ? new Date(batch.minTsMs) : null;
    const maxTs = accepted > 0 && batch.maxTsMs !== null ? new Date(batch.maxTsMs) : null;
    const duplicates = batch.duplicatesInBatch + (batch.rowCount - accepted);
    const status = accepted > 0 ? 'PENDING' : 'DONE';
    await tx.query(
      `INSERT INTO ingest_batches (tenant_id, id, sensor_id, received_at, format, accepted, duplicates, rejected, min_ts, max_ts, status, detected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $11 = 'DONE' THEN now() END)`,
      [input.tenantId, input.batchId, input.sensorId, input.receivedAt, batch.formats || 'none', accepted, duplicates, batch.rejectedCount, minTs, maxTs, status],
    );
    if (maxTs) {
      // Heartbeat: the newest event time, never later than when it was received (sensor clocks drift).
      const newest = maxTs > input.receivedAt ? input.receivedAt : maxTs;
      await tx.query(
        `UPDATE sensors SET last_event_at = $3 WHERE tenant_id = $1 AND id = $2 AND (last_event_at IS NULL OR last_event_at < $3)`,
        [input.tenantId, input.sensorId, newest],
      );
    }
    return { accepted, duplicates, minTs, maxTs, status };
  });
}

/**
 * partitions.ensure, run again when it fails with duplicate_table (42P07): two requests (or two
 * processes) creating the same new day race inside wf_ensure_event_partition, whose re-check after
 * its advisory lock can still miss the other's committed table (a cached negative catalog lookup).
 * The next transaction sees the table and returns at once.
 */
async function ensurePartitions(db: TenantDb, partitions: EventPartitionCache, days: Set<string>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await partitions.ensure(db, days);
    } catch (err) {
      if (attempt >= 3 || sqlState(err) !== '42P07') throw err;
    }
  }
}

/**
 * Events without a source timestamp are stored at receivedAt, so a resend gets a new ts and the
 * (tenant_id, id, ts) primary key cannot catch it: look their ids up across all partitions and
 * take the ones found out of the stage. (Two concurrent first sends of the same such event can
 * still both land: documented.)
 */
async function dropKnownReceivedAtEvents(tx: ScopedTx, tenantId: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10000) {
    await tx.query(
      `DELETE FROM ${STAGE_TABLE} WHERE id = ANY (SELECT e.id FROM events e WHERE e.tenant_id = $1 AND e.id = ANY ($2::uuid[]))`,
      [tenantId, ids.slice(i, i + 10000)],
    );
  }
}
