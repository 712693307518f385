// How far detection lags behind ingest, for /metrics: the batches committed but not yet detected,
// and how long the oldest of them has waited. A growing age is the first sign that detection is
// stuck (workers down, Redis lost and the reconciler not running, a poison batch).
import { gauge } from '@watchfloor/telemetry';
import { Scope, type TenantDb } from '@watchfloor/tenancy';

export interface BatchBacklog {
  /** Batches PENDING or DETECTING. */
  pending: number;
  /** Seconds since the oldest of them was received (0 when there is none). */
  oldestPendingSeconds: number;
}

/** One index-only read of the partial index on pending batches, across tenants. */
export async function readBatchBacklog(db: TenantDb): Promise<BatchBacklog> {
  const [row] = await db.withScope(Scope.all('metrics: detection backlog'), (tx) =>
    tx.query<{ pending: number; age: number }>(
      `SELECT count(*)::int AS pending, coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS age
         FROM ingest_batches WHERE status IN ('PENDING', 'DETECTING')`,
    ),
  );
  return { pending: row.pending, oldestPendingSeconds: Math.max(0, row.age) };
}

const pendingBatches = gauge('watchfloor_ingest_batches_pending', 'Ingest batches committed and not yet detected (PENDING or DETECTING)');
const oldestPending = gauge('watchfloor_ingest_oldest_pending_batch_seconds', 'Age of the oldest batch not yet detected; 0 when detection is caught up');

/**
 * Reads the backlog when Prometheus scrapes (once per scrape for both gauges). A failed read
 * leaves the gauges as they were; the database readiness check reports the outage itself.
 */
export function registerBatchBacklogMetrics(db: TenantDb, onError: (err: unknown) => void = () => undefined): void {
  let sample: { at: number; value: Promise<BatchBacklog | null> } | null = null;
  const read = (): Promise<BatchBacklog | null> => {
    if (!sample || Date.now() - sample.at > 1000) {
      sample = { at: Date.now(), value: readBatchBacklog(db).catch((err) => (onError(err), null)) };
    }
    return sample.value;
  };
  Object.assign(pendingBatches, {
    async collect(this: typeof pendingBatches) {
      const backlog = await read();
      if (backlog) this.set(backlog.pending);
    },
  });
  Object.assign(oldestPending, {
    async collect(this: typeof oldestPending) {
      const backlog = await read();
      if (backlog) this.set(backlog.oldestPendingSeconds);
    },
  });
}
