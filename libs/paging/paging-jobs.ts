// Jobs of the `deliver` queue. Each delivery cycle step has its own deterministic job id, so a
// replayed enqueue is a no-op while a retry (a new step) is not swallowed by the finished job.
import type { JobEnvelope, JobQueue } from '@watchfloor/queue';

export const DELIVER_JOB = 'deliver';

export interface DeliverJobData extends JobEnvelope {
  tenantId: string;
  deliveryId: string;
}

/** First attempt: the delivery id; later steps: `<id>_<step>` (a2: attempt 2, c<ms>: after an open circuit). BullMQ refuses ':' in custom ids. */
export function deliverJobId(deliveryId: string, step?: string): string {
  return step ? `${deliveryId}_${step}` : deliveryId;
}

export async function enqueueDelivery(
  queue: JobQueue<DeliverJobData>,
  job: { tenantId: string; deliveryId: string; step?: string; runAt?: Date; now?: Date; trace?: JobEnvelope['trace'] },
): Promise<void> {
  const delay = job.runAt ? Math.max(0, job.runAt.getTime() - (job.now ?? new Date()).getTime()) : 0;
  await queue.add(
    DELIVER_JOB,
    { tenantId: job.tenantId, deliveryId: job.deliveryId, trace: job.trace },
    // Retries are scheduled by the delivery code itself (attempts are recorded rows); BullMQ only
    // re-runs a job that crashed before recording anything.
    { jobId: deliverJobId(job.deliveryId, job.step), delay, attempts: 3, backoff: { type: 'exponential', delay: 2000 } },
  );
}

/** Enqueue a delivery `redeliver` reset (call after its transaction committed). */
export async function enqueueRedelivery(
  queue: JobQueue<DeliverJobData>,
  delivery: { tenantId: string; id: string; attempts: readonly unknown[]; nextAttemptAt: Date | null },
  trace?: JobEnvelope['trace'],
): Promise<void> {
  await enqueueDelivery(queue, { tenantId: delivery.tenantId, deliveryId: delivery.id, step: `r${delivery.attempts.length}-${delivery.nextAttemptAt?.getTime() ?? 0}`, trace });
}
