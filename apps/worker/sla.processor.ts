import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type { DeliverJobData } from '@watchfloor/paging';
import { INCIDENT_EVENT_JOB, type IncidentEventJobData } from '@watchfloor/queue';
import {
  reconcileIncident,
  scheduleSlaFollowUps,
  SLA_CHECK_JOB,
  SLA_SWEEP_EVERY_MS,
  SLA_SWEEP_JOB,
  SLA_SWEEP_SCHEDULER_ID,
  sweepSla,
  type IncidentSlaOutcome,
  type SlaCheckJobData,
  type SlaQueues,
  type SlaSweepJobData,
  type SlaSweepResult,
} from '@watchfloor/sla';
import { counter, createLogger, currentTraceId, injectTraceContext, setSpanAttributes, withJobSpan } from '@watchfloor/telemetry';
import { TenantDb } from '@watchfloor/tenancy';

export type SlaJobData = IncidentEventJobData | SlaCheckJobData | SlaSweepJobData;

export interface SlaJobDeps {
  db: TenantDb;
  queues: SlaQueues;
  now: () => Date;
  incidentLink: (incidentId: string) => string;
}

const log = createLogger('watchfloor-worker');

// Counted after the reconcile committed (each warning/breach is recorded once); every clock's series
// exists from the start, so a dashboard shows 0 rather than no data.
const slaWarnings = counter('watchfloor_sla_warnings_total', 'SLA warnings recorded, by clock', ['clock']);
const slaBreaches = counter('watchfloor_sla_breaches_total', 'SLA breaches recorded, by clock', ['clock']);
for (const clock of ['acknowledge', 'resolve']) {
  slaWarnings.inc({ clock }, 0);
  slaBreaches.inc({ clock }, 0);
}

function countSlaNotifications(outcome: IncidentSlaOutcome): void {
  for (const n of outcome.notifications) (n.type === 'sla.breached' ? slaBreaches : slaWarnings).inc({ clock: n.clock });
}

/** Link to an incident in the product, for pages (PUBLIC_URL when set). */
export function incidentLinkFromEnv(env: NodeJS.ProcessEnv = process.env): (incidentId: string) => string {
  const base = (env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  return (id) => `${base}/incidents/${id}`;
}

/**
 * One `sla` job: an incident domain event or a scheduled check reconciles that incident (clock,
 * warnings, breaches, escalation) and schedules what follows; the sweep job is the safety net.
 */
export async function handleSlaJob(deps: SlaJobDeps, job: { name: string; data: SlaJobData }): Promise<IncidentSlaOutcome | SlaSweepResult> {
  const now = deps.now();
  switch (job.name) {
    case INCIDENT_EVENT_JOB:
    case SLA_CHECK_JOB: {
      const data = job.data as IncidentEventJobData | SlaCheckJobData;
      const event = job.name === INCIDENT_EVENT_JOB ? { type: (data as IncidentEventJobData).type, at: new Date(data.at) } : undefined;
      const outcome = await reconcileIncident(deps.db, data.tenantId, data.incidentId, { now, event, incidentLink: deps.incidentLink });
      countSlaNotifications(outcome);
      // Enqueued after the commit: a crash in between is repaired by the sweeper. The follow-ups'
      // parent is this job's span (when tracing runs), so the trace reads detect → sla → deliver.
      await scheduleSlaFollowUps(deps.queues, outcome, now, currentTraceId() ? injectTraceContext() : data.trace);
      if (outcome.errors.length) log.warn({ incidentId: data.incidentId, tenantId: data.tenantId, errors: outcome.errors }, 'sla reconcile problems');
      return outcome;
    }
    case SLA_SWEEP_JOB: {
      const result = await sweepSla(deps.db, deps.queues, { now, incidentLink: deps.incidentLink });
      for (const outcome of result.outcomes) countSlaNotifications(outcome);
      for (const f of result.failures) log.error(f, 'sla sweep could not reconcile an incident');
      return result;
    }
    default:
      throw new Error(`unknown sla job ${JSON.stringify(job.name)}`);
  }
}

@Processor('sla', { concurrency: 4 })
export class SlaProcessor extends WorkerHost {
  private readonly deps: SlaJobDeps;

  constructor(db: TenantDb, @InjectQueue('sla') sla: Queue<SlaCheckJobData>, @InjectQueue('deliver') deliver: Queue<DeliverJobData>) {
    super();
    this.deps = { db, queues: { sla, deliver }, now: () => new Date(), incidentLink: incidentLinkFromEnv() };
  }

  async process(job: Job<SlaJobData>): Promise<unknown> {
    const data = job.data;
    const incidentId = (data as Partial<IncidentEventJobData>).incidentId;
    const attributes = { 'sla.job': job.name, 'tenant.id': data.tenantId ?? 'all', ...(incidentId ? { 'incident.id': incidentId } : {}), ...('type' in data ? { 'incident.event': data.type } : {}) };
    const result = await withJobSpan(`sla ${job.name}`, data.trace, attributes, async () => {
      const r = await handleSlaJob(this.deps, job);
      if ('deliveryIds' in r) setSpanAttributes({ 'delivery.ids': r.deliveryIds, 'sla.notifications': r.notifications.length });
      return r;
    });
    // Keep the stored return value small.
    return 'checked' in result ? { checked: result.checked, requeued: result.requeued, failures: result.failures.length } : { deliveries: result.deliveryIds.length, nextCheckAt: result.nextCheckAt };
  }
}

/** The 30-second sweep, one scheduler for the whole fleet (upsert is idempotent by id). */
@Injectable()
export class SlaSweepScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue('sla') private readonly queue: Queue<SlaSweepJobData>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(SLA_SWEEP_SCHEDULER_ID, { every: SLA_SWEEP_EVERY_MS }, {
      name: SLA_SWEEP_JOB,
      data: { tenantId: null },
      opts: { removeOnComplete: 100, removeOnFail: 1000, attempts: 1 },
    });
  }
}
