import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { maintainEventPartitions } from '@watchfloor/db';
import type { MaintenanceJobData } from '@watchfloor/queue';
import { TenantDb } from '@watchfloor/tenancy';
import { WORKER_CONFIG, type WorkerConfig } from './worker-config';

/** Keeps daily event partitions created ahead and drops expired ones, hourly and at boot. */
@Processor('maintenance', { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost {
  constructor(
    private readonly db: TenantDb,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    super();
  }

  async process(job: Job<MaintenanceJobData>): Promise<unknown> {
    switch (job.data.task) {
      case 'partitions':
        return maintainEventPartitions(this.db, { now: new Date(), daysAhead: 7, retentionDays: this.config.EVENT_RETENTION_DAYS });
      default:
        throw new Error(`unknown maintenance task ${String((job.data as { task?: unknown }).task)}`);
    }
  }
}

@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue('maintenance') private readonly queue: Queue<MaintenanceJobData>) {}

  async onApplicationBootstrap(): Promise<void> {
    // One scheduler for the whole fleet: upsert is idempotent by id.
    await this.queue.upsertJobScheduler('partitions-hourly', { every: 3600_000 }, {
      name: 'partitions',
      data: { tenantId: null, task: 'partitions' },
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
    // And once now (the scheduler's first run is an hour away); one per hour across the fleet.
    const hour = new Date().toISOString().slice(0, 13);
    await this.queue.add('partitions', { tenantId: null, task: 'partitions' }, { jobId: `partitions-boot-${hour}`, removeOnComplete: 100, removeOnFail: 1000 });
  }
}
