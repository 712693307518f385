import { type DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { DataSource } from 'typeorm';
import type { IngestConfig } from '@watchfloor/config';
import { databaseReadiness, DbModule, OWNER_DATA_SOURCE } from '@watchfloor/db';
import { QueueMetricsModule, type RedisClient } from '@watchfloor/queue';
import { HealthModule, type ReadinessCheck } from '@watchfloor/health';
import { DEFAULT_JOB_OPTIONS, queueConnection, REDIS, RedisModule, redisReadiness } from '@watchfloor/queue';
import { ingestProviders } from './ingest-providers';

@Module({})
export class IngestAppModule {
  static forRoot(config: IngestConfig): DynamicModule {
    const connection = queueConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
    return {
      module: IngestAppModule,
      imports: [
        DbModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'watchfloor-ingest' }),
        RedisModule.forRoot({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES }, [connection]),
        BullModule.forRoot({ connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
        BullModule.registerQueue({ name: 'detect' }),
        QueueMetricsModule,
        HealthModule.forRoot({
          useFactory: (ds: DataSource, redis: RedisClient): ReadinessCheck[] => [
            { name: 'postgres', check: () => databaseReadiness(ds) },
            { name: 'redis', check: () => redisReadiness(redis) },
          ],
          inject: [OWNER_DATA_SOURCE, REDIS],
        }),
      ],
      providers: ingestProviders(config),
    };
  }
}
