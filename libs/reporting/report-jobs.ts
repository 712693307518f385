import { type DeliverJobData, enqueueDelivery, webhookMessageId } from '@watchfloor/paging';
import { type JobEnvelope, type JobQueue, type MonthlyReportJobData, REPORT_JOBS, type ReportJobData, type ReportReconcileJobData } from '@watchfloor/queue';
import { Scope, type TenantDb } from '@watchfloor/tenancy';
import { generateReport, type GenerateReportResult } from './generate-report';
import { createScheduledReport, type ScheduledReportOutcome, type SchedulePlan } from './report-schedule';

export const REPORT_READY_EVENT = 'report.ready';

/**
 * Enqueue the production of a report; jobId = report id, so enqueueing twice runs it once. A
 * re-enqueue by the reconcile passes `retry` (BullMQ ignores an id it still holds, even a failed
 * job's), giving `<reportId>_<retry>` (BullMQ refuses ':' in custom ids).
 */
export async function enqueueReportGeneration(queue: JobQueue<ReportJobData>, job: { tenantId: string; reportId: string; trace?: JobEnvelope['trace']; retry?: string }): Promise<void> {
  await queue.add(REPORT_JOBS.generate, { tenantId: job.tenantId, reportId: job.reportId, trace: job.trace }, { jobId: job.retry ? `${job.reportId}_${job.retry}` : job.reportId });
}

export interface ReportReadyData {
  reportId: string;
  tenantId: string;
  tenantName: string;
  kind: 'ON_DEMAND' | 'SCHEDULED';
  from: string;
  to: string;
  readyAt: string;
  formats: { format: 'PDF' | 'CSV' | 'JSON'; sizeBytes: number; sha256: string; downloadPath: string }[];
}

/**
 * Writes one `report.ready` delivery per enabled STANDARD endpoint of the tenant that takes the
 * event (an empty event_types list takes every event) and returns the new delivery ids; the
 * idempotency key `report:<id>:<endpointId>` makes a second call write nothing. The payload is
 * `{ report: ReportReadyData }`; the `deliver` processor (libs/paging) sends it as the `data` of a
 * Standard Webhook message of type `report.ready`.
 */
export async function recordReportReadyDeliveries(db: TenantDb, tenantId: string, reportId: string): Promise<string[]> {
  return db.withScope(Scope.tenant(tenantId), async (tx) => {
    const [report] = await tx.query<{ kind: ReportReadyData['kind']; period_from: Date; period_to: Date; finished_at: Date | null; status: string; tenant_name: string }>(
      `SELECT r.kind, r.period_from, r.period_to, r.finished_at, r.status, t.name AS tenant_name FROM reports r JOIN tenants t ON t.id = r.tenant_id
       WHERE r.tenant_id = $1 AND r.id = $2`,
      [tenantId, reportId],
    );
    if (!report || report.status !== 'READY') return [];
    const endpoints = await tx.query<{ id: string }>(
      `SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND kind = 'STANDARD' AND enabled
         AND (cardinality(event_types) = 0 OR $2 = ANY(event_types)) ORDER BY id`,
      [tenantId, REPORT_READY_EVENT],
    );
    if (!endpoints.length) return [];
    const artifacts = await tx.query<{ format: 'PDF' | 'CSV' | 'JSON'; size_bytes: number; sha256: string }>(
      `SELECT format, size_bytes, sha256 FROM report_artifacts WHERE tenant_id = $1 AND report_id = $2 ORDER BY format`,
      [tenantId, reportId],
    );
    const data: ReportReadyData = {
      reportId, tenantId, tenantName: report.tenant_name, kind: report.kind,
      from: new Date(report.period_from).toISOString(), to: new Date(report.period_to).toISOString(),
      readyAt: new Date(report.finished_at ?? Date.now()).toISOString(),
      formats: artifacts.map((a) => ({ format: a.format, sizeBytes: Number(a.size_bytes), sha256: a.sha256, downloadPath: `/reports/${reportId}/download?format=${a.format.toLowerCase()}` })),
    };
    const ids: string[] = [];
    for (const e of endpoints) {
      const key = `report:${reportId}:${e.id}`;
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO deliveries (tenant_id, endpoint_id, message_id, idempotency_key, event_type, payload, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
        [tenantId, e.id, webhookMessageId(key), key, REPORT_READY_EVENT, JSON.stringify({ report: data })],
      );
      if (rows[0]) ids.push(rows[0].id);
    }
    return ids;
  });
}

export interface ReportJobDeps {
  db: TenantDb;
  reports: JobQueue<ReportJobData>;
  deliver: JobQueue<DeliverJobData>;
  /** Applies the monthly schedulers (the worker passes its reports queue). */
  reconcile: () => Promise<SchedulePlan>;
  pdfTableRows?: number;
}

export type ReportJobResult =
  | { job: 'generate'; result: GenerateReportResult; deliveryIds: string[] }
  | { job: 'monthly'; outcome: ScheduledReportOutcome }
  | { job: 'reconcile'; plan: SchedulePlan; requeued: number };

export interface ReportJobLike {
  name: string;
  data: ReportJobData | MonthlyReportJobData | ReportReconcileJobData;
  /** When the job was meant to run (a scheduled job's fire time); the monthly period is the month before it. */
  scheduledAt: Date;
}

/** Reports left QUEUED (the enqueue was lost) or RUNNING (a worker died) this long are enqueued again. */
export const STALE_REPORT_MS = 15 * 60_000;

/** Re-enqueues stale QUEUED/RUNNING reports: the queue carries references, Postgres the truth. */
export async function requeueStaleReports(db: TenantDb, queue: JobQueue<ReportJobData>, now: Date): Promise<number> {
  const stale = await db.withScope(Scope.all('reports: re-enqueue stale reports'), (tx) =>
    tx.query<{ tenant_id: string; id: string }>(
      `SELECT tenant_id, id FROM reports WHERE (status = 'QUEUED' AND created_at < $1) OR (status = 'RUNNING' AND started_at < $1) ORDER BY created_at LIMIT 1000`,
      [new Date(now.getTime() - STALE_REPORT_MS)],
    ),
  );
  // One retry job per report and stale window: several reconciles in it add it once. A duplicate
  // run is harmless anyway (generateReport locks the row and leaves a READY report alone).
  const retry = `r${Math.floor(now.getTime() / STALE_REPORT_MS)}`;
  for (const r of stale) await enqueueReportGeneration(queue, { tenantId: r.tenant_id, reportId: r.id, retry });
  return stale.length;
}

/** Runs one job of the `reports` queue (the worker's processor is a thin wrapper around this). */
export async function runReportJob(deps: ReportJobDeps, job: ReportJobLike): Promise<ReportJobResult> {
  switch (job.name) {
    case REPORT_JOBS.generate: {
      const data = job.data as ReportJobData;
      const result = await generateReport(deps.db, data.reportId, { tenantId: data.tenantId, pdfTableRows: deps.pdfTableRows });
      // A replay of an already READY report does not notify twice: the idempotency key refuses it.
      const deliveryIds = result.status === 'READY' ? await recordReportReadyDeliveries(deps.db, data.tenantId, data.reportId) : [];
      for (const deliveryId of deliveryIds) await enqueueDelivery(deps.deliver, { tenantId: data.tenantId, deliveryId, trace: data.trace });
      return { job: 'generate', result, deliveryIds };
    }
    case REPORT_JOBS.monthly: {
      const data = job.data as MonthlyReportJobData;
      const outcome = await createScheduledReport(deps.db, data.tenantId, job.scheduledAt);
      if (outcome.reportId) await enqueueReportGeneration(deps.reports, { tenantId: data.tenantId, reportId: outcome.reportId, trace: data.trace });
      return { job: 'monthly', outcome };
    }
    case REPORT_JOBS.reconcile: {
      const plan = await deps.reconcile();
      const requeued = await requeueStaleReports(deps.db, deps.reports, job.scheduledAt);
      return { job: 'reconcile', plan, requeued };
    }
    default:
      throw new Error(`unknown reports job ${JSON.stringify(job.name)} (known: ${Object.values(REPORT_JOBS).join(', ')})`);
  }
}

