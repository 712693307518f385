import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { BullModule, WorkerHost } from '@nestjs/bullmq';
import { WORKER_METADATA } from '@nestjs/bullmq/dist/bull.constants';
import type { DataSource } from 'typeorm';
import type { WorkerConfig } from '@watchfloor/config';
import { databaseReadiness, DbModule, OWNER_DATA_SOURCE } from '@watchfloor/db';
import { QueueMetricsModule, type RedisClient } from '@watchfloor/queue';
import { HealthModule, type ReadinessCheck } from '@watchfloor/health';
import { DEFAULT_JOB_OPTIONS, parseQueueList, QUEUE_NAMES, type QueueName, queueConnection, REDIS, RedisModule, redisReadiness } from '@watchfloor/queue';
import { BatchReconcilerProcessor, RECONCILER_CONFIG } from '@watchfloor/ingest';
import { DeliverProcessor } from './deliver.processor';
import { DetectProcessor, detectorProvider, ShippedRulesImporter } from './detect.processor';
import { MaintenanceProcessor, MaintenanceScheduler } from './maintenance.processor';
import { detectionBacklogMetrics, pagingHealthMetrics } from './pipeline-metrics';
import { ReportsProcessor, ReportsScheduler } from './reports.processor';
import { SlaProcessor, SlaSweepScheduler } from './sla.processor';
import { WORKER_CONFIG } from './worker-config';

/** Processors per queue; a worker Deployment consumes only the queues named in WORKER_QUEUES. */
const PROCESSORS: Record<QueueName, Provider[]> = {
  // The reconciler re-enqueues committed batches whose detect job Redis lost (libs/ingest).
  detect: [DetectProcessor, ShippedRulesImporter, BatchReconcilerProcessor, { provide: RECONCILER_CONFIG, useExisting: WORKER_CONFIG }, detectionBacklogMetrics],
  incidents: [],
  sla: [SlaProcessor, SlaSweepScheduler],
  deliver: [DeliverProcessor, pagingHealthMetrics],
  reports: [ReportsProcessor, ReportsScheduler],
  maintenance: [MaintenanceProcessor, MaintenanceScheduler],
};

/**
 * Lock duration and stalled-check interval come from the configuration, but @nestjs/bullmq reads
 * worker options only from the @Processor metadata: merge them in before the workers are created.
 */
function applyWorkerTiming(providers: Provider[], config: Pick<WorkerConfig, 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS'>): void {
  for (const provider of providers) {
    if (typeof provider !== 'function' || !(provider.prototype instanceof WorkerHost)) continue;
    const current = (Reflect.getMetadata(WORKER_METADATA, provider) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(WORKER_METADATA, { ...current, lockDuration: config.WORKER_LOCK_DURATION_MS, stalledInterval: config.WORKER_STALLED_INTERVAL_MS }, provider);
  }
}

@Module({})
export class WorkerAppModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const queues = parseQueueList(config.WORKER_QUEUES);
    applyWorkerTiming(queues.flatMap((q) => PROCESSORS[q]), config);
    const connection = queueConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
    return {
      module: WorkerAppModule,
      imports: [
        DbModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'watchfloor-worker' }),
        RedisModule.forRoot({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES }, [connection]),
        BullModule.forRoot({ connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
        // Every queue is registered so any processor can produce to any queue.
        ...QUEUE_NAMES.map((name) => BullModule.registerQueue({ name })),
        QueueMetricsModule,
        HealthModule.forRoot({
          useFactory: (ds: DataSource, redis: RedisClient): ReadinessCheck[] => [
            { name: 'postgres', check: () => databaseReadiness(ds) },
            { name: 'redis', check: () => redisReadiness(redis) },
          ],
          inject: [OWNER_DATA_SOURCE, REDIS],
        }),
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, detectorProvider, ...queues.flatMap((q) => PROCESSORS[q])],
    };
  }
}
