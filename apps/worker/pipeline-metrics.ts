// Gauges read from Postgres when Prometheus scrapes, registered by the worker groups they concern:
// the detection backlog with `detect`, paging health with `deliver` (libs hold the reads).
import type { Provider } from '@nestjs/common';
import type { WorkerConfig } from '@watchfloor/config';
import { registerBatchBacklogMetrics } from '@watchfloor/ingest';
import { registerWebhookEndpointMetrics } from '@watchfloor/paging';
import { createLogger } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';
import { WORKER_CONFIG } from './worker-config';

function scrapeTimeMetrics(what: string, register: (db: TenantDb, onError: (err: unknown) => void) => void): Provider {
  return {
    provide: Symbol(`metrics: ${what}`),
    inject: [TenantDb, WORKER_CONFIG],
    useFactory: (db: TenantDb, config: WorkerConfig) => {
      const log = createLogger('watchfloor-worker', config.LOG_LEVEL);
      register(db, (err) => log.warn({ err }, `could not read ${what} for /metrics`));
      return what;
    },
  };
}

export const detectionBacklogMetrics = scrapeTimeMetrics('the detection backlog', registerBatchBacklogMetrics);
export const pagingHealthMetrics = scrapeTimeMetrics('webhook endpoint states', registerWebhookEndpointMetrics);
