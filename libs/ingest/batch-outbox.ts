// The ingest_batches outbox: ingest writes PENDING rows, detection marks them DONE, the
// reconciler re-enqueues the ones Redis lost. Functions take a scoped transaction (tenant RLS).
import { SEVERITIES, type NormalizedEvent } from '@watchfloor/normalize';
import type { ScopedTx } from '@watchfloor/tenancy';


export type BatchStatus = 'PENDING' | 'DETECTING' | 'DONE' | 'FAILED';

export interface IngestBatchRow {
  tenantId: string;
  id: string;
  sensorId: string;
  receivedAt: Date;
  format: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  minTs: Date | null;
  maxTs: Date | null;
  status: BatchStatus;
  enqueuedAt: Date | null;
  detectAttempts: number;
  detectedAt: Date | null;
  error: string | null;
}

const BATCH_COLUMNS = `tenant_id AS "tenantId", id, sensor_id AS "sensorId", received_at AS "receivedAt", format, accepted, duplicates, rejected,
  min_ts AS "minTs", max_ts AS "maxTs", status, enqueued_at AS "enqueuedAt", detect_attempts AS "detectAttempts", detected_at AS "detectedAt", error`;

/** An event as stored: the normalized columns, the sensor's original record (raw) and its batch. */
export type StoredEvent = Omit<NormalizedEvent, 'tsFromSource' | 'sensorEventId' | 'sourceFormat' | 'otOperation'> & {
  tenantId: string;
  id: string;
  receivedAt: Date;
  sensorId: string;
  batchId: string;
  sourceFormat: string;
  otOperation: string | null;
};

const EVENT_COLUMNS = `e.tenant_id AS "tenantId", e.id, e.ts, e.received_at AS "receivedAt", e.sensor_id AS "sensorId", e.batch_id AS "batchId",
  e.source_format AS "sourceFormat", e.source_product AS "sourceProduct", e.source_log AS "sourceLog", e.event_class AS "eventClass",
  e.category, e.severity, host(e.src_ip) AS "srcIp", e.src_port AS "srcPort", host(e.dst_ip) AS "dstIp", e.dst_port AS "dstPort",
  e.transport, e.app_protocol AS "appProtocol", e.community_id AS "communityId", e.signature, e.signature_id AS "signatureId",
  e.attack_ids AS "attackIds", e.ot_protocol AS "otProtocol", e.ot_function AS "otFunction", e.ot_function_code AS "otFunctionCode",
  e.ot_unit_id AS "otUnitId", e.ot_operation AS "otOperation", e.message, e.raw`;

export async function findBatch(tx: ScopedTx, batchId: string): Promise<IngestBatchRow | null> {
  const [row] = await tx.query<IngestBatchRow>(`SELECT ${BATCH_COLUMNS} FROM ingest_batches WHERE id = $1`, [batchId]);
  return row ?? null;
}

/**
 * The events a batch inserted, in id order. Large batches can be read in pages: pass the last id
 * seen as afterId, and the batch's ts bounds when the caller has them (else they are read from
 * ingest_batches on every call). Events the batch found already stored (duplicates) belong to
 * their first batch.
 */
export async function loadBatchEvents(
  tx: ScopedTx,
  tenantId: string,
  batchId: string,
  page: { afterId?: string; limit?: number; bounds?: { minTs: Date | null; maxTs: Date | null } } = {},
): Promise<StoredEvent[]> {
  const batch =
    page.bounds ??
    (await tx.query<{ minTs: Date | null; maxTs: Date | null }>(`SELECT min_ts AS "minTs", max_ts AS "maxTs" FROM ingest_batches WHERE tenant_id = $1 AND id = $2`, [tenantId, batchId]))[0];
  if (!batch || !batch.minTs || !batch.maxTs) return [];
  // The ts bounds let Postgres skip the partitions the batch cannot touch.
  const rows = await tx.query<Omit<StoredEvent, 'severity'> & { severity: number }>(
    `SELECT ${EVENT_COLUMNS} FROM events e
      WHERE e.tenant_id = $1 AND e.batch_id = $2 AND e.ts >= $3 AND e.ts <= $4 AND ($5::uuid IS NULL OR e.id > $5::uuid)
      ORDER BY e.id LIMIT $6`,
    [tenantId, batchId, batch.minTs, batch.maxTs, page.afterId ?? null, page.limit ?? 100000],
  );
  return rows.map((r) => ({ ...r, severity: SEVERITIES[r.severity] ?? 'INFO', attackIds: r.attackIds ?? [] }));
}

/** Detection finished: the reconciler leaves the batch alone from now on. Returns false if unknown. */
export async function markBatchDetected(tx: ScopedTx, batchId: string): Promise<boolean> {
  const rows = await tx.query(`UPDATE ingest_batches SET status = 'DONE', detected_at = now(), error = NULL WHERE id = $1 RETURNING id`, [batchId]);
  return rows.length > 0;
}

/** Detection gave up on the batch (the reason is kept for operators). */
export async function markBatchFailed(tx: ScopedTx, batchId: string, error: string): Promise<boolean> {
  const rows = await tx.query(`UPDATE ingest_batches SET status = 'FAILED', error = $2 WHERE id = $1 RETURNING id`, [batchId, error.slice(0, 2000)]);
  return rows.length > 0;
}

/** The detect job of a committed batch could not be enqueued: it waits for the reconciler. */
export async function markBatchNotEnqueued(tx: ScopedTx, batchId: string): Promise<void> {
  await tx.query(`UPDATE ingest_batches SET enqueued_at = NULL WHERE id = $1`, [batchId]);
}
