import type { Provider } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { IngestConfig } from '@watchfloor/config';
import { EventPartitionCache } from '@watchfloor/db';
import { createEventParsePool, detectJobOptions, EventIngestor, LoadShedder, resolveParseThreads, SensorKeyAuthenticator, type EventParsePool } from '@watchfloor/ingest';
import type { DetectJobData } from '@watchfloor/queue';
import { createLogger, injectTraceContext } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
export const EVENT_PARSE_POOL = Symbol('EVENT_PARSE_POOL');

/** The ingest write path as Nest providers; the HTTP route (events.route.ts) takes them from the app. */
export function ingestProviders(config: IngestConfig): Provider[] {
  const log = createLogger('watchfloor-ingest', config.LOG_LEVEL);
  return [
    { provide: INGEST_CONFIG, useValue: config },
    {
      provide: SensorKeyAuthenticator,
      useFactory: (db: TenantDb) =>
        new SensorKeyAuthenticator(db, {
          cacheSeconds: config.INGEST_KEY_CACHE_SECONDS,
          onTouchError: (err) => log.warn({ err }, 'could not record API key use'),
        }),
      inject: [TenantDb],
    },
    {
      provide: EVENT_PARSE_POOL,
      useFactory: (): EventParsePool => {
        const pool = createEventParsePool(resolveParseThreads(config.INGEST_PARSE_THREADS));
        log.info({ parseThreads: pool.threads }, pool.threads ? 'request bodies are parsed in worker threads' : 'request bodies are parsed on the request thread');
        return pool;
      },
    },
    {
      provide: EventIngestor,
      useFactory: (db: TenantDb, queue: Queue<DetectJobData>, parsePool: EventParsePool) =>
        new EventIngestor(db, new EventPartitionCache(), {
          maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
          maxLineBytes: config.INGEST_MAX_LINE_BYTES,
          maxEventsPerBatch: config.INGEST_MAX_EVENTS_PER_BATCH,
          retentionDays: config.EVENT_RETENTION_DAYS,
          enqueueDetect: async ({ tenantId, batchId }) => {
            await queue.add('detect', { tenantId, batchId, trace: injectTraceContext() }, detectJobOptions(batchId));
          },
          onEnqueueError: (err, batch) => log.error({ err, ...batch }, 'detect enqueue failed after commit; the reconciler will enqueue the batch'),
        }, parsePool),
      inject: [TenantDb, getQueueToken('detect'), EVENT_PARSE_POOL],
    },
    {
      provide: LoadShedder,
      useFactory: (db: TenantDb, queue: Queue<DetectJobData>) =>
        new LoadShedder({
          maxInFlight: config.INGEST_MAX_IN_FLIGHT,
          maxPoolWaiting: config.DATABASE_POOL_SIZE * 2,
          maxDetectBacklog: config.INGEST_MAX_DETECT_BACKLOG,
          poolWaiting: () => db.poolStats().waiting,
          detectBacklog: async () => {
            const counts = await queue.getJobCounts('waiting', 'prioritized');
            return (counts.waiting ?? 0) + (counts.prioritized ?? 0);
          },
          onBacklogError: (err) => log.warn({ err }, 'could not read the detect backlog'),
        }),
      inject: [TenantDb, getQueueToken('detect')],
    },
  ];
}
