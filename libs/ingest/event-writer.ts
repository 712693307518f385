// The write path of one batch: one transaction in the sensor's tenant scope holding the events,
// the ingest_batches outbox row and the sensor's heartbeat. 202 is answered only after it commits.
import type { EventPartitionCache } from '@watchfloor/db';
import { Scope, type ScopedTx, type TenantDb } from '@watchfloor/tenancy';
import { STAGE_COLUMNS, type EncodedBatch } from './event-copy-encoder';
import { sqlState } from './ingest.errors';

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
const BATCH_COLUMNS = 'tenant_id, id, sensor_id, received_at, format, accepted, duplicates, rejected, min_ts, max_ts, status, enqueued_at, detected_at';

/**
 * The rest of the batch in one call of wf_ingest_write (migrations/1764700000000): the events from
 * the stage in id order (two batches holding the same events then lock them in the same order
 * instead of deadlocking) by a plain INSERT, or, when that meets a stored event, again with
 * `ON CONFLICT DO NOTHING` (see the migration for why); the ingest_batches outbox row with what was
 * inserted (count, exact ts bounds, enqueued_at set: the detect job is sent right after commit and
 * EventIngestor clears it again if that fails); the sensor's heartbeat (the newest event time,
 * never later than when it was received). A function so that its plan is kept per session.
 * $1 tenant, $2 batch, $3 sensor, $4 receivedAt, $5 formats, $6 rows offered + in-batch duplicates, $7 rejected.
 */
export const WRITE_FROM_STAGE_SQL = `SELECT out_accepted AS accepted, out_duplicates AS duplicates, out_min_ts AS "minTs", out_max_ts AS "maxTs", out_status AS status
  FROM wf_ingest_write($1::uuid, $2::uuid, $3::uuid, $4::timestamptz, $5::text, $6::int, $7::int)`;

/** A batch with no rows to store (every record rejected or repeated within it): only its outbox row. */
const EMPTY_BATCH_SQL = `INSERT INTO ingest_batches (${BATCH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, NULL, NULL, 'DONE', NULL, now())`;

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
  // Concurrent creators of one day are serialised inside wf_ensure_event_partition (a lock on `events`).
  if (days.size) await partitions.ensure(db, days);

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

/**
 * Sessions known to hold the stage table, so that later transactions skip creating it (asking
 * `CREATE … IF NOT EXISTS` cost ≈ 0.25 ms of Postgres CPU per batch, measured). A session is
 * marked once a transaction that created the table committed (a rolled-back CREATE leaves no
 * table). Behind a pooler that swaps sessions, the COPY can still miss the table: the batch is
 * then written again with the CREATE.
 */
const stagedSessions = new WeakSet<object>();

async function writeRows(db: TenantDb, input: BatchWriteInput, batch: EncodedBatch, retried = false): Promise<BatchWriteResult> {
  let session: object | null = null;
  try {
    const written = await db.withScope(Scope.tenant(input.tenantId), async (tx) => {
      session = tx.session;
      const params = [input.tenantId, input.batchId, input.sensorId, input.receivedAt, batch.formats || 'none', batch.rowCount + batch.duplicatesInBatch, batch.rejectedCount];
      if (batch.rowCount === 0) {
        await tx.query(EMPTY_BATCH_SQL, params);
        return { accepted: 0, duplicates: batch.duplicatesInBatch, minTs: null, maxTs: null, status: 'DONE' as const };
      }
      // One round trip: the stage (when this session may not have it yet), then the COPY into it.
      await tx.copyIn(stagedSessions.has(tx.session) ? COPY_STAGE_SQL : `${CREATE_STAGE_SQL}; ${COPY_STAGE_SQL}`, () => batch.copyChunks);
      await dropKnownReceivedAtEvents(tx, input.tenantId, batch.receivedAtIds);
      const [result] = await tx.query<BatchWriteResult>(WRITE_FROM_STAGE_SQL, params);
      return result;
    });
    if (session && batch.rowCount > 0) stagedSessions.add(session);
    return written;
  } catch (err) {
    // 42P01 undefined_table: the session this connection now has lacks the stage.
    if (session && sqlState(err) === '42P01' && stagedSessions.has(session) && !retried) {
      stagedSessions.delete(session);
      return writeRows(db, input, batch, true);
    }
    throw err;
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
