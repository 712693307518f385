import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type { DeliverJobData } from '@watchfloor/paging';
import type { MonthlyReportJobData, ReportJobData, ReportReconcileJobData } from '@watchfloor/queue';
import { ensureReconcileScheduler, reconcileMonthlySchedulers, type ReportJobResult, type ReportsQueue, runReportJob } from '@watchfloor/reporting';
import { histogram, withJobSpan } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';

const jobSeconds = histogram('watchfloor_report_job_seconds', 'Duration of reports jobs by job and outcome', ['job', 'outcome'], [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]);

type ReportsJob = Job<ReportJobData | MonthlyReportJobData | ReportReconcileJobData>;

/**
 * The `reports` queue: produce a report (then queue its report.ready webhooks), create a tenant's
 * monthly report when its scheduler fires, and reconcile the monthly schedulers hourly.
 */
@Processor('reports', { concurrency: 2 })
export class ReportsProcessor extends WorkerHost {
  constructor(
    private readonly db: TenantDb,
    @InjectQueue('reports') private readonly reports: ReportsQueue,
    @InjectQueue('deliver') private readonly deliver: Queue<DeliverJobData>,
  ) {
    super();
  }

  process(job: ReportsJob): Promise<ReportJobResult> {
    // A scheduled job's fire time (timestamp + delay), so a late run still reports the right month.
    const scheduledAt = new Date(job.timestamp + (job.delay ?? 0));
    const stop = jobSeconds.startTimer({ job: job.name });
    return withJobSpan(`reports.${job.name}`, job.data.trace, { 'watchfloor.tenant_id': job.data.tenantId ?? 'platform' }, () =>
      runReportJob(
        { db: this.db, reports: this.reports as Queue<ReportJobData>, deliver: this.deliver, reconcile: () => reconcileMonthlySchedulers(this.db, this.reports) },
        { name: job.name, data: job.data, scheduledAt },
      ),
    ).then(
      (result) => {
        stop({ outcome: result.job === 'generate' ? result.result.status.toLowerCase() : 'ok' });
        return result;
      },
      (err: unknown) => {
        stop({ outcome: 'error' });
        throw err;
      },
    );
  }
}

/** At boot: bring the monthly schedulers in line now, and every hour after (tenants created later). */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly db: TenantDb,
    @InjectQueue('reports') private readonly reports: ReportsQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await reconcileMonthlySchedulers(this.db, this.reports);
    await ensureReconcileScheduler(this.reports);
  }
}
