// Triage changes as the incident domain events the `sla` queue consumes (SLA clocks, escalation):
// an acknowledgement stops the acknowledge clock and further pages, status changes pause, resume,
// stop or reopen the resolve clock, a severity change re-targets the policy.
import type { Queue } from 'bullmq';
import { INCIDENT_EVENT_JOB, incidentEventJobId, type IncidentEventJobData, type IncidentEventType } from '@watchfloor/queue';
import { injectTraceContext } from '@watchfloor/telemetry';
import type { TriageOutcome } from './triage-service';

const RESOLVED = new Set(['RESOLVED', 'CLOSED', 'FALSE_POSITIVE']);

/** The event an activity stands for; null for changes the SLA does not follow (comments, assignment). */
function eventTypeOf(kind: string, statusAfter: string): IncidentEventType | null {
  switch (kind) {
    case 'acknowledged':
      return 'incident.acknowledged';
    case 'reopened':
      return 'incident.reopened';
    case 'status_changed':
    case 'false_positive':
      return RESOLVED.has(statusAfter) ? 'incident.resolved' : 'incident.status_changed';
    case 'severity_changed':
      return 'incident.severity_changed';
    case 'merged':
    case 'merged_into':
      return 'incident.merged';
    default:
      return null;
  }
}

/** One event per SLA-relevant activity of the outcome (and of the incidents it changed besides). */
export function incidentEventsOf(outcome: TriageOutcome): Omit<IncidentEventJobData, 'trace'>[] {
  const own = outcome.activities.flatMap((a) => {
    const type = eventTypeOf(a.kind, outcome.incident.status);
    if (!type) return [];
    return [{ tenantId: outcome.incident.tenantId, incidentId: outcome.incident.id, type, version: outcome.incident.version, at: new Date(a.createdAt).toISOString() }];
  });
  return [...own, ...outcome.others.flatMap(incidentEventsOf)];
}

/** Enqueues the events (after commit); the job id makes a replay a no-op. */
export async function emitIncidentEvents(queue: Pick<Queue<IncidentEventJobData>, 'addBulk'>, outcome: TriageOutcome): Promise<number> {
  const events = incidentEventsOf(outcome);
  if (events.length === 0) return 0;
  const trace = injectTraceContext();
  await queue.addBulk(events.map((e) => ({ name: INCIDENT_EVENT_JOB, data: { ...e, trace }, opts: { jobId: incidentEventJobId(e) } })));
  return events.length;
}
