import { acknowledgeSla, changeSlaStatus, createSlaClock, retargetSla, SlaClockState, SlaPolicyTargets } from './clock';
import { slaNotificationsDue } from './notifications';

const MIN = 60;
const H = 3600;
const T0 = new Date('2026-01-14T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const policy: SlaPolicyTargets = { ackSeconds: 10 * MIN, resolveSeconds: 2 * H, calendar: { kind: '24x7' } };

function clock(p = policy): SlaClockState {
  const r = createSlaClock({ policy: p, createdAt: T0 });
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
}
const summary = (s: SlaClockState, now: number, sent: string[] = []) =>
  slaNotificationsDue('inc-1', s, at(now), new Set(sent)).map((n) => `${n.type} ${n.clock} @${(n.at.getTime() - T0.getTime()) / 1000}`);

describe('slaNotificationsDue', () => {
  it('warns at the warning fraction and reports the breach at the due instant, not before', () => {
    const s = clock();
    expect(summary(s, 7 * MIN)).toEqual([]);
    expect(summary(s, 8 * MIN)).toEqual(['sla.warning acknowledge @480']);
    expect(summary(s, 10 * MIN - 1)).toEqual(['sla.warning acknowledge @480']);
    expect(summary(s, 10 * MIN)).toEqual(['sla.breached acknowledge @600']);
  });

  it('sends each notification once, keyed by incident, clock, kind and target', () => {
    const s = clock();
    const first = slaNotificationsDue('inc-1', s, at(8 * MIN), new Set());
    expect(first.map((n) => n.idempotencyKey)).toEqual(['sla:inc-1:acknowledge:warning:600']);
    expect(slaNotificationsDue('inc-1', s, at(9 * MIN), new Set(first.map((n) => n.idempotencyKey)))).toEqual([]);
  });

  it('a stopped clock notifies nothing new, but a breach before the stop is still reported', () => {
    const acked = acknowledgeSla(clock(), at(5 * MIN));
    expect(summary(acked, 20 * MIN)).toEqual([]);
    const late = acknowledgeSla(clock(), at(15 * MIN));
    expect(summary(late, 20 * MIN)).toEqual(['sla.breached acknowledge @600']);
    expect(summary(late, 20 * MIN, ['sla:inc-1:acknowledge:breached:600'])).toEqual([]);
  });

  it('follows the resolve clock through a pause: the warning moves later by the paused time', () => {
    let s = acknowledgeSla(clock(), at(MIN));
    s = changeSlaStatus(s, 'AWAITING_CUSTOMER', at(H));
    s = changeSlaStatus(s, 'INVESTIGATING', at(2 * H));
    expect(summary(s, 2 * H + 30 * MIN)).toEqual([]); // 96 min of running time would have warned without the pause
    expect(summary(s, 2 * H + 36 * MIN)).toEqual(['sla.warning resolve @9360']);
    expect(summary(s, 3 * H)).toEqual(['sla.breached resolve @10800']);
  });

  it('a re-target to a shorter target may notify again under its own key', () => {
    const s = clock();
    const r = retargetSla(s, { ...policy, ackSeconds: 5 * MIN }, at(6 * MIN));
    if (!r.ok) throw new Error();
    const due = slaNotificationsDue('inc-1', r.value, at(6 * MIN), new Set(['sla:inc-1:acknowledge:warning:600']));
    expect(due.map((n) => n.idempotencyKey)).toEqual(['sla:inc-1:acknowledge:breached:300']);
  });

  it('resolution before the warnings means no notifications at all', () => {
    const s = changeSlaStatus(clock(), 'RESOLVED', at(3 * MIN));
    expect(summary(s, 10 * H)).toEqual([]);
  });
});
