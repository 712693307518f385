import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { WorkerConfig } from '@watchfloor/config';
import type { DetectJobData } from '@watchfloor/queue';
import { createLogger, type Logger } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';
import { reconcileBatches } from './batch-reconciler';

/** The worker's config, provided with useExisting: WORKER_CONFIG (libs never import apps). */
export const RECONCILER_CONFIG = Symbol('RECONCILER_CONFIG');
export const RECONCILE_INTERVAL_MS = 15000;

/**
 * Runs the batch reconciler every 15 s in each worker that consumes `detect` (one at a time
 * fleet-wide, by advisory lock). Deliberately a timer, not a BullMQ job scheduler: the
 * reconciler exists to recover from Redis losing its data, and a job scheduler lives in Redis.
 */
@Injectable()
export class BatchReconcilerProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly log: Logger;

  constructor(
    private readonly db: TenantDb,
    @InjectQueue('detect') private readonly queue: Queue<DetectJobData>,
    @Inject(RECONCILER_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.log = createLogger('watchfloor-worker', config.LOG_LEVEL).child({ component: 'batch-reconciler' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass (skipped when the previous one is still running). */
  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = reconcileBatches(this.db, this.queue, { olderThanSeconds: this.config.RECONCILE_AFTER_SECONDS })
      .then((r) => {
        if (r.enqueued || r.failed) this.log.warn(r, 'reconciled ingest batches');
      })
      .catch((err) => this.log.error({ err }, 'batch reconciliation failed'))
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }
}
