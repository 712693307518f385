import { Inject } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { attemptDelivery, type DeliverJobData, type DeliveryOptions, type DeliveryRun, enqueueDelivery } from '@watchfloor/paging';
import type { JobQueue } from '@watchfloor/queue';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { counter, createLogger, currentTraceId, injectTraceContext, setSpanAttributes, withJobSpan } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';
import { WORKER_CONFIG, type WorkerConfig } from './worker-config';

export interface DeliverJobDeps {
  db: TenantDb;
  queue: JobQueue<DeliverJobData>;
  options: DeliveryOptions;
}

const log = createLogger('deliver');
const deliveryResults = counter('watchfloor_webhook_delivery_results_total', 'Webhook delivery attempts by result', ['result']);

/** A retry's parent is this attempt's span when tracing runs, else the trace the job carried. */
function nextTrace(data: DeliverJobData): DeliverJobData['trace'] {
  return currentTraceId() ? injectTraceContext() : data.trace;
}

/** Delivery options from the worker's configuration. */
export function deliveryOptionsFromConfig(
  config: Pick<
    WorkerConfig,
    | 'WEBHOOK_ALLOW_PRIVATE' | 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_MAX_ATTEMPTS' | 'WEBHOOK_RETRY_BASE_MS' | 'WEBHOOK_RETRY_MAX_MS'
    | 'WEBHOOK_CIRCUIT_FAILURES' | 'WEBHOOK_CIRCUIT_COOLDOWN_MS' | 'WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS' | 'WATCHFLOOR_SECRET_KEY' | 'NODE_ENV'
  >,
): DeliveryOptions {
  return {
    // From the worker's own configuration, as the api does (not whatever process.env holds).
    secretBox: secretBoxFromEnv({ WATCHFLOOR_SECRET_KEY: config.WATCHFLOOR_SECRET_KEY, NODE_ENV: config.NODE_ENV }),
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
    circuit: { failureThreshold: config.WEBHOOK_CIRCUIT_FAILURES, cooldownMs: config.WEBHOOK_CIRCUIT_COOLDOWN_MS, maxCooldownMs: config.WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS },
  };
}

/**
 * One attempt of one delivery; a retry or a postponement (open circuit) becomes a delayed job of
 * its own with a job id naming the step, so it is never swallowed by the finished job.
 */
export async function handleDeliverJob(deps: DeliverJobDeps, data: DeliverJobData): Promise<DeliveryRun> {
  const run = await attemptDelivery(deps.db, data.tenantId, data.deliveryId, deps.options);
  deliveryResults.inc({ result: run.result });
  log.info({ tenantId: data.tenantId, deliveryId: data.deliveryId, result: run.result, ...('attempt' in run ? { attempt: run.attempt } : {}) }, 'webhook delivery');
  setSpanAttributes({ 'delivery.result': run.result, ...('attempt' in run && run.attempt !== null ? { 'delivery.attempt': run.attempt } : {}) });
  const now = deps.options.now?.() ?? new Date();
  if (run.result === 'retry') {
    await enqueueDelivery(deps.queue, { tenantId: data.tenantId, deliveryId: data.deliveryId, step: `a${run.attempt + 1}-${run.retryAt.getTime()}`, runAt: run.retryAt, now, trace: nextTrace(data) });
  } else if (run.result === 'postponed') {
    await enqueueDelivery(deps.queue, { tenantId: data.tenantId, deliveryId: data.deliveryId, step: `c${run.retryAt.getTime()}`, runAt: run.retryAt, now, trace: nextTrace(data) });
  }
  return run;
}

@Processor('deliver', { concurrency: 8 })
export class DeliverProcessor extends WorkerHost {
  private readonly deps: DeliverJobDeps;

  constructor(db: TenantDb, @InjectQueue('deliver') queue: Queue<DeliverJobData>, @Inject(WORKER_CONFIG) config: WorkerConfig) {
    super();
    this.deps = { db, queue, options: deliveryOptionsFromConfig(config) };
  }

  async process(job: Job<DeliverJobData>): Promise<DeliveryRun> {
    return withJobSpan('deliver webhook', job.data.trace, { 'tenant.id': job.data.tenantId, 'delivery.id': job.data.deliveryId, 'job.attempt': job.attemptsMade + 1 }, () =>
      handleDeliverJob(this.deps, job.data),
    );
  }
}
