// Re-enqueues the detect job of committed batches that detection has not finished: Redis lost the
// job (flush, failover), ingest crashed between commit and enqueue, or the job failed for good.
import type { Job, JobsOptions } from 'bullmq';
import type { DetectJobData } from '@watchfloor/queue';
import { Scope, type TenantDb } from '@watchfloor/tenancy';
import { injectTraceContext } from '@watchfloor/telemetry';

/** The part of a BullMQ Queue the reconciler uses. */
export interface DetectQueue {
  getJob(jobId: string): Promise<Job<DetectJobData> | undefined>;
  add(name: string, data: DetectJobData, opts?: JobsOptions): Promise<Job<DetectJobData>>;
}

export interface ReconcileOptions {
  /** Batches PENDING/DETECTING whose last enqueue (or receipt) is older than this are checked. */
  olderThanSeconds: number;
  /** Batches checked per pass (oldest first). */
  limit?: number;
  /** Enqueues by the reconciler after which a batch is marked FAILED instead. */
  maxAttempts?: number;
}

export interface ReconcileResult {
  checked: number;
  /** Still waiting, delayed or running in the queue: left alone. */
  inQueue: number;
  enqueued: number;
  failed: number;
  /** Another worker held the reconciler lock: this pass did nothing. */
  skipped: boolean;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
export const DEFAULT_MAX_RECONCILE_ATTEMPTS = 10;

/** The detect job of a batch: jobId = batchId, so adding it twice while it exists is a no-op. */
export function detectJobOptions(batchId: string): JobsOptions {
  return { jobId: batchId };
}

/**
 * One pass. jobId = batchId makes re-adding idempotent while the job exists (BullMQ ignores an
 * add whose id exists in any state). A job that exists but is finished (completed without the
 * batch being marked DONE, or failed after its retries) would block a re-add forever, so it is
 * removed first and added again under the same id. A transaction-scoped advisory lock keeps two
 * workers from reconciling at once (no double counting of detect_attempts).
 */
export async function reconcileBatches(db: TenantDb, queue: DetectQueue, options: ReconcileOptions): Promise<ReconcileResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_RECONCILE_ATTEMPTS;
  return db.withScope(Scope.all('batch reconciler'), async (tx) => {
    const result: ReconcileResult = { checked: 0, inQueue: 0, enqueued: 0, failed: 0, skipped: false };
    const [lock] = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('wf_batch_reconciler')) AS locked`);
    if (!lock.locked) return { ...result, skipped: true };
    const stale = await tx.query<{ tenantId: string; id: string; detectAttempts: number }>(
      `SELECT tenant_id AS "tenantId", id, detect_attempts AS "detectAttempts" FROM ingest_batches
        WHERE status IN ('PENDING', 'DETECTING') AND coalesce(enqueued_at, received_at) <= now() - make_interval(secs => $1)
        ORDER BY received_at LIMIT $2`,
      [options.olderThanSeconds, options.limit ?? 500],
    );
    for (const batch of stale) {
      result.checked++;
      const job = await queue.getJob(batch.id);
      if (job) {
        const state = await job.getState();
        if (LIVE_STATES.has(state)) {
          result.inQueue++;
          continue;
        }
        await job.remove();
      }
      if (batch.detectAttempts >= maxAttempts) {
        await tx.query(`UPDATE ingest_batches SET status = 'FAILED', error = $3 WHERE tenant_id = $1 AND id = $2`, [
          batch.tenantId,
          batch.id,
          `detection did not complete after ${batch.detectAttempts} re-enqueues by the reconciler`,
        ]);
        result.failed++;
        continue;
      }
      await queue.add('detect', { tenantId: batch.tenantId, batchId: batch.id, trace: injectTraceContext() }, detectJobOptions(batch.id));
      await tx.query(`UPDATE ingest_batches SET detect_attempts = detect_attempts + 1, enqueued_at = now() WHERE tenant_id = $1 AND id = $2`, [
        batch.tenantId,
        batch.id,
      ]);
      result.enqueued++;
    }
    return result;
  });
}
