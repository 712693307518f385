import { Inject, Injectable, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { getQueueToken, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { createCorrelationEngine } from '@watchfloor/detection/correlation';
import { createDetector, type Detector } from '@watchfloor/detection/pipeline';
import { createRuleVersions, createTenantRuleCache, detectionKeyPrefix, importShippedRules } from '@watchfloor/detection/rules';
import type { IncidentChange } from '@watchfloor/incidents';
import { INCIDENT_EVENT_JOB, incidentEventJobId, REDIS, type DetectJobData, type IncidentEventJobData, type RedisClient } from '@watchfloor/queue';
import { counter, createLogger, histogram, injectTraceContext, setSpanAttributes, withJobSpan } from '@watchfloor/telemetry';
import { markBatchFailed } from '@watchfloor/ingest';
import { Scope, TenantDb } from '@watchfloor/tenancy';
import { WORKER_CONFIG, type WorkerConfig } from './worker-config';

const logger = createLogger('detect');
const batchSeconds = histogram('watchfloor_detect_batch_seconds', 'Detect job duration per batch', [], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
const detectedEvents = counter('watchfloor_detect_events_total', 'Events evaluated by the detect job');
const raisedAlerts = counter('watchfloor_alerts_total', 'Alerts written by the detect job', ['disposition']);

export { detectionKeyPrefix };

/** Sends incident domain events to the `sla` queue (deterministic job ids: a replay is a no-op). */
export function incidentEventEmitter(sla: Queue<IncidentEventJobData>) {
  return async (tenantId: string, changes: IncidentChange[]): Promise<void> => {
    const at = new Date().toISOString();
    await sla.addBulk(
      changes.map((c) => {
        const data: IncidentEventJobData = { tenantId, incidentId: c.incidentId, type: c.type, version: c.version, at, trace: injectTraceContext() };
        return { name: INCIDENT_EVENT_JOB, data, opts: { jobId: incidentEventJobId(data) } };
      }),
    );
  };
}

/** The process-wide detector: compiled rule sets and OT models stay cached between jobs. */
export const DETECTOR = Symbol('DETECTOR');

export const detectorProvider: Provider = {
  provide: DETECTOR,
  inject: [TenantDb, REDIS, getQueueToken('sla'), WORKER_CONFIG],
  useFactory: (db: TenantDb, redis: RedisClient, sla: Queue<IncidentEventJobData>, config: WorkerConfig): Detector => {
    const prefix = detectionKeyPrefix(config.QUEUE_PREFIX);
    const versions = createRuleVersions(redis, prefix);
    return createDetector({
      db,
      redis,
      rules: createTenantRuleCache(db, versions),
      correlation: createCorrelationEngine({ redis, prefix, toleranceSeconds: config.CORRELATION_TOLERANCE_SECONDS }),
      keyPrefix: prefix,
      emit: incidentEventEmitter(sla),
    });
  },
};

/**
 * Registers the built-in OT detection rows and imports the shipped global rules (rules/**) at
 * boot. Idempotent and serialised by an advisory lock in the rule store, so every worker may run it.
 */
@Injectable()
export class ShippedRulesImporter implements OnApplicationBootstrap {
  private settle!: (error?: Error) => void;
  /** Resolves once the shipped rules are registered (rejects if that failed: jobs then retry). */
  readonly ready: Promise<void> = new Promise<void>((resolve, reject) => {
    this.settle = (error) => (error ? reject(error) : resolve());
  });

  constructor(
    private readonly db: TenantDb,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.ready.catch(() => undefined); // observed by jobs; not an unhandled rejection at boot
    try {
      await this.register();
      this.settle();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'shipped rules could not be registered');
      this.settle(err as Error);
    }
  }

  private async register(): Promise<void> {
    const report = await importShippedRules(this.db, createRuleVersions(this.redis, detectionKeyPrefix(this.config.QUEUE_PREFIX)));
    let refused = 0;
    for (const f of report.files) {
      refused += f.report.refused;
      for (const item of f.report.items.filter((i) => i.status === 'REFUSED')) logger.error({ file: f.file, sigmaId: item.sigmaId, reason: item.reason }, 'shipped rule refused');
    }
    const sum = (k: 'imported' | 'updated' | 'unchanged') => report.files.reduce((n, f) => n + f.report[k], 0);
    logger.info({ files: report.files.length, imported: sum('imported'), updated: sum('updated'), unchanged: sum('unchanged'), refused, builtinsChanged: report.builtinsChanged }, 'shipped rules registered');
  }
}

/** Evaluates one ingest batch per job (libs/detection/pipeline). */
@Processor('detect', { concurrency: 4 })
export class DetectProcessor extends WorkerHost {
  constructor(
    @Inject(DETECTOR) private readonly detector: Detector,
    private readonly db: TenantDb,
    private readonly shippedRules: ShippedRulesImporter,
  ) {
    super();
  }

  /** After the last attempt the batch is marked FAILED with the reason (the reconciler leaves it alone). */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<DetectJobData> | undefined, err: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const { tenantId, batchId } = job.data;
    logger.error({ tenantId, batchId, err: err.message }, 'detect job failed for good');
    await this.db.withScope(Scope.tenant(tenantId), (tx) => markBatchFailed(tx, batchId, err.message)).catch(() => undefined);
  }

  async process(job: Job<DetectJobData>): Promise<unknown> {
    const { tenantId, batchId } = job.data;
    // A fresh worker takes jobs before boot has finished: the shipped rules must be in place first,
    // or its first batches would be evaluated without the built-in OT detections.
    await this.shippedRules.ready;
    return withJobSpan('detect.batch', job.data.trace, { 'tenant.id': tenantId, 'batch.id': batchId, 'job.attempt': job.attemptsMade + 1 }, async () => {
      const stop = batchSeconds.startTimer();
      const result = await this.detector.detectBatch({ tenantId, batchId, now: new Date() });
      stop();
      if (result.status === 'invalid_input') throw new UnrecoverableError(`detect job: ${result.error}`);
      if (result.status === 'missing_batch' || result.status === 'missing_tenant') logger.warn({ tenantId, batchId, status: result.status }, 'detect job for an unknown batch');
      setSpanAttributes({ 'detect.status': result.status, 'detect.events': result.events, 'detect.alerts_inserted': result.alertsInserted, 'incident.ids': [...new Set(result.incidentChanges.map((c) => c.incidentId))] });
      detectedEvents.inc(result.events);
      raisedAlerts.inc({ disposition: 'total' }, result.alertsInserted);
      raisedAlerts.inc({ disposition: 'suppressed' }, result.suppressed);
      raisedAlerts.inc({ disposition: 'maintenance' }, result.maintenance);
      logger.info({ tenantId, batchId, jobId: job.id, attempt: job.attemptsMade + 1, status: result.status, events: result.events, alerts: result.alertsInserted, incidentChanges: result.incidentChanges.length }, 'batch detected');
      if (result.skippedRules.length > 0) logger.warn({ tenantId, skipped: result.skippedRules }, 'rules skipped for this tenant');
      if (result.otModelErrors.length > 0) logger.warn({ tenantId, errors: result.otModelErrors }, 'OT model invalid: OT detections not run');
      const { incidentChanges, skippedRules, otModelErrors, ...summary } = result;
      return { ...summary, incidentChanges: incidentChanges.length };
    });
  }
}
