import { incidentEventJobId } from '@watchfloor/queue';
import { emitIncidentEvents, incidentEventsOf } from './incident-events';
import type { TriageOutcome } from './triage-service';
import type { ActivityRow, IncidentRow } from './triage.types';

const T = '11111111-1111-4111-8111-111111111111';
const incident = (id: string, status: string, version: number) => ({ id, tenantId: T, status, version }) as unknown as IncidentRow;
const activity = (kind: string, at = '2026-11-25T10:00:00.000Z') => ({ kind, createdAt: new Date(at) }) as unknown as ActivityRow;
const outcome = (inc: IncidentRow, kinds: string[], others: TriageOutcome[] = []): TriageOutcome => ({ incident: inc, activities: kinds.map((k) => activity(k)), others });

describe('incident events of triage outcomes', () => {
  it('maps each SLA-relevant activity to its event with the incident version', () => {
    expect(incidentEventsOf(outcome(incident('a', 'ACKNOWLEDGED', 2), ['acknowledged']))).toEqual([
      { tenantId: T, incidentId: 'a', type: 'incident.acknowledged', version: 2, at: '2026-11-25T10:00:00.000Z' },
    ]);
    expect(incidentEventsOf(outcome(incident('a', 'AWAITING_CUSTOMER', 3), ['status_changed']))[0].type).toBe('incident.status_changed');
    expect(incidentEventsOf(outcome(incident('a', 'RESOLVED', 4), ['status_changed']))[0].type).toBe('incident.resolved');
    expect(incidentEventsOf(outcome(incident('a', 'FALSE_POSITIVE', 4), ['false_positive']))[0].type).toBe('incident.resolved');
    expect(incidentEventsOf(outcome(incident('a', 'INVESTIGATING', 5), ['reopened']))[0].type).toBe('incident.reopened');
    expect(incidentEventsOf(outcome(incident('a', 'NEW', 6), ['severity_changed']))[0].type).toBe('incident.severity_changed');
  });

  it('skips comments and assignments, and includes the other incidents of a merge', () => {
    expect(incidentEventsOf(outcome(incident('a', 'NEW', 2), ['comment', 'assigned']))).toEqual([]);
    const merged = outcome(incident('t', 'INVESTIGATING', 7), ['merged'], [outcome(incident('s', 'CLOSED', 3), ['merged_into'])]);
    expect(incidentEventsOf(merged).map((e) => [e.incidentId, e.type, e.version])).toEqual([['t', 'incident.merged', 7], ['s', 'incident.merged', 3]]);
  });

  it('enqueues them with deterministic job ids, and nothing for a no-op', async () => {
    const added: { name: string; data: { type: string }; opts: { jobId: string } }[][] = [];
    const queue = { addBulk: async (jobs: never[]) => { added.push(jobs); return []; } };
    expect(await emitIncidentEvents(queue as never, outcome(incident('a', 'ACKNOWLEDGED', 2), []))).toBe(0);
    expect(added).toEqual([]);
    expect(await emitIncidentEvents(queue as never, outcome(incident('a', 'ACKNOWLEDGED', 2), ['acknowledged']))).toBe(1);
    expect(added[0][0].name).toBe('incident-event');
    expect(added[0][0].opts.jobId).toBe(incidentEventJobId({ incidentId: 'a', type: 'incident.acknowledged', version: 2 }));
  });
});
