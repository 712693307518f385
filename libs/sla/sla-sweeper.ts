// The `sla` queue's safety net and scheduling glue. Delayed jobs fire at each incident's next
// SLA threshold or escalation level; every 30 s the sweeper also selects incidents whose next
// check has passed (a job lost with Redis, a worker killed at the wrong moment) or whose stored
// SLA state disagrees with the row (an event that never arrived), and reconciles them. The
// reconcile claims each warning and breach with `UPDATE … WHERE x IS NULL`, so both paths
// together still notify once.
import { type DeliverJobData, enqueueDelivery, findStalledDeliveries } from '@watchfloor/paging';
import type { JobEnvelope, JobQueue } from '@watchfloor/queue';
import { Scope, type TenantDb, isUuid } from '@watchfloor/tenancy';
import { type IncidentEventHint, type IncidentSlaOutcome, reconcileIncidentSla } from './incident-sla';

export const SLA_CHECK_JOB = 'sla-check';
export const SLA_SWEEP_JOB = 'sla-sweep';
export const SLA_SWEEP_SCHEDULER_ID = 'sla-sweep-30s';
export const SLA_SWEEP_EVERY_MS = 30_000;

export interface SlaCheckJobData extends JobEnvelope {
  tenantId: string;
  incidentId: string;
  /** The instant the check was scheduled for (ISO). */
  at: string;
}

export interface SlaSweepJobData extends JobEnvelope {
  tenantId: null;
}

/** One job per incident and due instant: re-scheduling the same instant is a no-op. */
export function slaCheckJobId(incidentId: string, at: Date): string {
  return `sla-check_${incidentId}_${at.getTime()}`;
}

export interface SlaQueues {
  sla: JobQueue<SlaCheckJobData>;
  deliver: JobQueue<DeliverJobData>;
}

/** After the reconcile committed: deliver the new deliveries and schedule the next check. */
export async function scheduleSlaFollowUps(queues: SlaQueues, outcome: IncidentSlaOutcome, now: Date, trace?: JobEnvelope['trace']): Promise<void> {
  for (const deliveryId of outcome.deliveryIds) await enqueueDelivery(queues.deliver, { tenantId: outcome.tenantId, deliveryId, trace });
  if (outcome.nextCheckAt) {
    await queues.sla.add(
      SLA_CHECK_JOB,
      { tenantId: outcome.tenantId, incidentId: outcome.incidentId, at: outcome.nextCheckAt.toISOString(), trace },
      { jobId: slaCheckJobId(outcome.incidentId, outcome.nextCheckAt), delay: Math.max(0, outcome.nextCheckAt.getTime() - now.getTime()) },
    );
  }
}

/** Reconcile one incident in its own tenant-scoped transaction. */
export function reconcileIncident(
  db: TenantDb,
  tenantId: string,
  incidentId: string,
  options: { now: Date; event?: IncidentEventHint; incidentLink?: (id: string) => string },
): Promise<IncidentSlaOutcome> {
  if (!isUuid(tenantId) || !isUuid(incidentId)) {
    // A malformed job: nothing to reconcile, and retrying will not help.
    return Promise.resolve({ tenantId, incidentId, found: false, policy: null, sla: null, notifications: [], deliveryIds: [], nextCheckAt: null, errors: ['not an incident id'] });
  }
  return db.withScope(Scope.tenant(tenantId), (tx) => reconcileIncidentSla(tx, tenantId, incidentId, options));
}

const SEVERITIES = `ARRAY['INFO','LOW','MEDIUM','HIGH','CRITICAL']`;

/** Incidents the sweeper must look at now, oldest check first. */
export async function findSlaSweepCandidates(db: TenantDb, now: Date, limit = 200): Promise<Array<{ tenantId: string; incidentId: string }>> {
  return db.withScope(Scope.all('sla sweeper'), async (tx) => {
    // Two index-driven branches: incidents whose next check is due (incidents_sla_next_check_idx),
    // and incidents whose cached state disagrees with the row, looked for only among those that
    // can disagree (incidents_sla_watch_idx: the WHERE repeats its predicate so the planner uses it).
    const rows = await tx.query<{ tenant_id: string; id: string }>(
      `WITH due AS (
         SELECT tenant_id, id, sla_next_check_at, created_at FROM incidents
         WHERE sla_next_check_at <= $1 ORDER BY sla_next_check_at LIMIT $2
       ), stale AS (
         SELECT i.tenant_id, i.id, i.sla_next_check_at, i.created_at FROM incidents i
         LEFT JOIN sla_policies p ON p.tenant_id = i.tenant_id AND p.id = i.sla_policy_id
         WHERE (i.status NOT IN ('RESOLVED','CLOSED','FALSE_POSITIVE')
                OR (i.sla_policy_id IS NOT NULL AND i.time_to_resolve_seconds IS NULL)
                OR (i.sla_policy_id IS NOT NULL AND i.acknowledged_at IS NOT NULL AND i.time_to_acknowledge_seconds IS NULL))
           AND (
                (i.sla_policy_id IS NULL AND i.status NOT IN ('RESOLVED','CLOSED','FALSE_POSITIVE')
                 AND EXISTS (SELECT 1 FROM sla_policies a WHERE a.tenant_id = i.tenant_id AND a.severity = i.severity AND a.active))
             OR (p.id IS NOT NULL AND (
                    (p.severity <> i.severity AND EXISTS (SELECT 1 FROM sla_policies a WHERE a.tenant_id = i.tenant_id AND a.severity = i.severity AND a.active))
                 OR (i.acknowledged_at IS NOT NULL) <> (i.time_to_acknowledge_seconds IS NOT NULL)
                 OR (i.status IN ('RESOLVED','CLOSED','FALSE_POSITIVE')) <> (i.time_to_resolve_seconds IS NOT NULL)
                 OR (i.status NOT IN ('RESOLVED','CLOSED','FALSE_POSITIVE') AND (i.paused_since IS NOT NULL) <> (i.status = ANY (p.pause_statuses)))))
             OR (i.sla_next_check_at IS NULL AND i.status = 'NEW' AND i.created_at > $1::timestamptz - interval '1 day'
                 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.tenant_id = i.tenant_id AND d.incident_id = i.id)
                 AND EXISTS (SELECT 1 FROM escalation_policies e WHERE e.tenant_id = i.tenant_id
                             AND array_position(${SEVERITIES}, e.min_severity) <= array_position(${SEVERITIES}, i.severity))))
         LIMIT $2
       )
       SELECT tenant_id, id FROM (SELECT * FROM due UNION SELECT * FROM stale) c
       ORDER BY sla_next_check_at NULLS FIRST, created_at
       LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, incidentId: r.id }));
  });
}

export interface SlaSweepResult {
  checked: number;
  outcomes: IncidentSlaOutcome[];
  /** Deliveries re-enqueued because their job was lost. */
  requeued: number;
  failures: Array<{ tenantId: string; incidentId: string; error: string }>;
}

/**
 * One sweep: reconcile every candidate (each in its own transaction; one failing incident does
 * not stop the others), schedule their follow-ups, and re-enqueue stalled deliveries.
 */
export async function sweepSla(
  db: TenantDb,
  queues: SlaQueues,
  options: { now: Date; limit?: number; incidentLink?: (id: string) => string; deliveryGraceMs?: number },
): Promise<SlaSweepResult> {
  const { now } = options;
  const result: SlaSweepResult = { checked: 0, outcomes: [], requeued: 0, failures: [] };
  for (const c of await findSlaSweepCandidates(db, now, options.limit)) {
    try {
      const outcome = await reconcileIncident(db, c.tenantId, c.incidentId, { now, incidentLink: options.incidentLink });
      result.checked++;
      result.outcomes.push(outcome);
      await scheduleSlaFollowUps(queues, outcome, now);
    } catch (err) {
      result.failures.push({ ...c, error: (err as Error).message });
    }
  }
  for (const d of await findStalledDeliveries(db, now, { graceMs: options.deliveryGraceMs })) {
    await enqueueDelivery(queues.deliver, { tenantId: d.tenantId, deliveryId: d.id, step: `s${d.nextAttemptAt.getTime()}` });
    result.requeued++;
  }
  return result;
}
