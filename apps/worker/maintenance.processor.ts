import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { maintainEventPartitions } from '@watchfloor/db';
import type { Detector } from '@watchfloor/detection/pipeline';
import type { MaintenanceJobData } from '@watchfloor/queue';
import { TenantDb } from '@watchfloor/tenancy';
import { DETECTOR } from './detect.processor';
import { WORKER_CONFIG, type WorkerConfig } from './worker-config';

/** Maintenance tasks: the shared queue type plus the sensor-silence sweep (every minute). */
export type MaintenanceTaskData = MaintenanceJobData | { tenantId: null; task: 'sensor-silence' | 'correlation-sweep'; trace?: MaintenanceJobData['trace'] };

/**
 * Keeps daily event partitions created ahead and drops expired ones (hourly and at boot), and runs
 * the sensor-silence sweep every minute and the correlation sweep every 30 s (libs/detection/pipeline).
 */
@Processor('maintenance', { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost {
  constructor(
    private readonly db: TenantDb,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(DETECTOR) private readonly detector: Detector,
  ) {
    super();
  }

  async process(job: Job<MaintenanceTaskData>): Promise<unknown> {
    switch (job.data.task) {
      case 'partitions':
        return maintainEventPartitions(this.db, { now: new Date(), daysAhead: 7, retentionDays: this.config.EVENT_RETENTION_DAYS });
      case 'sensor-silence':
        return this.detector.raiseSensorSilence(new Date());
      case 'correlation-sweep':
        return this.detector.sweepCorrelations(new Date());
      default:
        throw new Error(`unknown maintenance task ${String((job.data as { task?: unknown }).task)}`);
    }
  }
}

@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue('maintenance') private readonly queue: Queue<MaintenanceTaskData>) {}

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
    await this.queue.upsertJobScheduler('sensor-silence-every-minute', { every: 60_000 }, {
      name: 'sensor-silence',
      data: { tenantId: null, task: 'sensor-silence' },
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
    await this.queue.upsertJobScheduler('correlation-sweep-30s', { every: 30_000 }, {
      name: 'correlation-sweep',
      data: { tenantId: null, task: 'correlation-sweep' },
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
  }
}
