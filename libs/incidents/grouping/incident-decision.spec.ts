import { decideIncidentForAlert, IncidentDecisionInput } from './incident-decision';
import { alert } from './__fixtures__/incidents';

const t0 = new Date('2026-03-02T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const base = (over: Partial<IncidentDecisionInput> = {}): IncidentDecisionInput => ({
  alert: alert({ ts: t0, dstAssetId: 'a-plc' }),
  windowSeconds: 3600,
  reopenGraceSeconds: 86400,
  now: at(60),
  ...over,
});
const open = (status: string, first: number, last: number) => ({ id: 'inc-open', status, firstAlertAt: at(first), lastAlertAt: at(last) });
const closed = (status: string, resolvedAtSeconds: number | null) => ({ id: 'inc-old', status, resolvedAt: resolvedAtSeconds === null ? null : at(resolvedAtSeconds) });

describe('decideIncidentForAlert', () => {
  test.each<[string, Partial<IncidentDecisionInput>, string, string | null]>([
    ['no incident for the key', {}, 'open_new', null],
    ['open incident, alert inside the window', { openIncidentForKey: open('new', -600, -300) }, 'attach', 'inc-open'],
    ['window slides from the latest alert', { openIncidentForKey: open('investigating', -7200, -3500) }, 'attach', 'inc-open'],
    ['exactly at the window edge attaches', { openIncidentForKey: open('acknowledged', -7200, -3600) }, 'attach', 'inc-open'],
    ['one second past the window opens a new incident', { openIncidentForKey: open('acknowledged', -7200, -3601) }, 'open_new', null],
    ['late alert before the incident started, inside the window', { openIncidentForKey: open('new', 1800, 2000), now: at(2100) }, 'attach', 'inc-open'],
    ['awaiting_customer is open', { openIncidentForKey: open('awaiting_customer', -60, -60) }, 'attach', 'inc-open'],
    ['contained is open', { openIncidentForKey: open('contained', -60, -60) }, 'attach', 'inc-open'],
    ['API upper-case status is understood', { openIncidentForKey: open('INVESTIGATING', -60, -60) }, 'attach', 'inc-open'],
    ['resolved within the grace period is reopened', { lastClosedIncidentForKey: closed('resolved', -3600) }, 'reopen', 'inc-old'],
    ['resolved at the grace edge is reopened', { lastClosedIncidentForKey: closed('resolved', -86400) }, 'reopen', 'inc-old'],
    ['resolved after the alert happened (late alert) is reopened', { lastClosedIncidentForKey: closed('resolved', 30) }, 'reopen', 'inc-old'],
    ['resolved too long ago opens a new incident', { lastClosedIncidentForKey: closed('resolved', -86401) }, 'open_new', null],
    ['closed is never reopened', { lastClosedIncidentForKey: closed('closed', -60) }, 'open_new', null],
    ['false_positive is never reopened', { lastClosedIncidentForKey: closed('false_positive', -60) }, 'open_new', null],
    ['resolved without a resolution time opens a new incident', { lastClosedIncidentForKey: closed('resolved', null) }, 'open_new', null],
    ['an open incident takes precedence over a resolved one', { openIncidentForKey: open('new', -60, -60), lastClosedIncidentForKey: closed('resolved', -30) }, 'attach', 'inc-open'],
    ['open incident out of window does not fall back to reopening', { openIncidentForKey: open('new', -9000, -9000), lastClosedIncidentForKey: closed('resolved', -30) }, 'open_new', null],
    ['an "open" incident that is really resolved is judged as resolved', { openIncidentForKey: open('resolved', -60, -60) }, 'open_new', null],
    ['zero grace never reopens after resolution', { lastClosedIncidentForKey: closed('resolved', -1), reopenGraceSeconds: 0 }, 'open_new', null],
  ])('%s', (_label, over, action, incidentId) => {
    const d = decideIncidentForAlert(base(over));
    expect(d.action).toBe(action);
    expect('incidentId' in d ? d.incidentId : null).toBe(incidentId);
    expect(d.reasons.length).toBeGreaterThan(0);
  });

  test('a sensor clock running ahead cannot stretch the window: the alert time is clamped to now', () => {
    const d = decideIncidentForAlert(base({ alert: alert({ ts: at(100000), dstAssetId: 'a-plc' }), now: at(10), openIncidentForKey: open('new', -60, -60) }));
    expect(d.action).toBe('attach');
  });

  test('reasons explain the decision', () => {
    const d = decideIncidentForAlert(base({ lastClosedIncidentForKey: closed('false_positive', -60) }));
    expect(d).toEqual({ action: 'open_new', groupingKey: 'rule-modbus-write::asset:a-plc', reasons: ['incident inc-old is false_positive and is never reopened'] });
    const r = decideIncidentForAlert(base({ lastClosedIncidentForKey: closed('resolved', -60) }));
    expect(r.reasons).toEqual(["within 86400 s of incident inc-old's resolution"]);
  });

  test('bad input gives an invalid decision listing every problem', () => {
    const d = decideIncidentForAlert(base({ alert: alert({ ruleId: '', ts: new Date('nope') }), windowSeconds: -1, reopenGraceSeconds: Number.NaN, now: new Date('x') }));
    expect(d).toEqual({
      action: 'invalid',
      reasons: [
        'alert.ruleId is required',
        'alert.ts must be a valid date',
        'now must be a valid date',
        'windowSeconds must be a number ≥ 0',
        'reopenGraceSeconds must be a number ≥ 0',
      ],
    });
  });
});
