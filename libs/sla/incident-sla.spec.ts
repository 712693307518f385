import fc from 'fast-check';
import { businessTime, type SlaCalendar } from './calendar';
import { changeSlaStatus, createSlaClock, slaSnapshot, type SlaClockState } from './clock';
import { incidentSlaSnapshot } from './incident-sla';
import type { SlaPolicyRecord } from './sla-policies';

const BERLIN_OFFICE: SlaCalendar = {
  kind: 'business',
  timezone: 'Europe/Berlin',
  businessHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday: weekday as 1, start: '08:00', end: '18:00' })),
  holidays: ['2026-12-25'],
};

const policyOf = (calendar: SlaCalendar): SlaPolicyRecord => ({
  id: '00000000-0000-4000-8000-000000000001',
  tenantId: '00000000-0000-4000-8000-000000000002',
  severity: 'HIGH',
  version: 1,
  acknowledgeMinutes: 30,
  resolveMinutes: 600,
  calendar,
  pauseStatuses: ['AWAITING_CUSTOMER'],
  warnFraction: 0.8,
  active: true,
  createdAt: new Date(0),
});

describe('incidentSlaSnapshot (from the row alone)', () => {
  it('is null without a policy', () => {
    expect(incidentSlaSnapshot({ createdAt: new Date(), status: 'NEW', acknowledgedAt: null, resolvedAt: null, pausedSince: null, pausedSeconds: 0 }, null, new Date())).toBeNull();
  });

  // The row keeps only the closed pauses' business total and the open pause's start; the
  // snapshot from those must equal the clock replayed from the real status changes.
  it.each([
    ['24x7', { kind: '24x7' } as SlaCalendar],
    ['business hours', BERLIN_OFFICE],
  ])('agrees with the replayed clock on %s', (_name, calendar) => {
    const created = Date.parse('2026-12-21T09:00:00Z');
    const minute = 60_000;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 * 24 * 60 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 24 * 60 }),
        (gaps, endPaused, after) => {
          const policy = policyOf(calendar);
          const base = createSlaClock({ policy: { ackSeconds: 1800, resolveSeconds: 36000, calendar, pauseStatuses: ['AWAITING_CUSTOMER'] }, createdAt: new Date(created) });
          if (!base.ok) throw new Error(base.errors.join());
          let state: SlaClockState = base.value;
          let t = created;
          gaps.forEach((g, i) => {
            t += g * minute;
            state = changeSlaStatus(state, i % 2 === 0 ? 'AWAITING_CUSTOMER' : 'INVESTIGATING', new Date(t));
          });
          if (!endPaused && gaps.length % 2 === 1) {
            t += minute;
            state = changeSlaStatus(state, 'INVESTIGATING', new Date(t));
          }
          const now = new Date(t + after * minute);
          const time = businessTime(calendar);
          const closed = state.pauses.filter((p) => p.to !== null).reduce((s, p) => s + time.between(p.from, p.to!), 0);
          const open = state.pauses.find((p) => p.to === null);
          const row = { createdAt: new Date(created), status: state.status, acknowledgedAt: null, resolvedAt: null, pausedSince: open ? open.from : null, pausedSeconds: Math.round(closed) };
          const fromRow = incidentSlaSnapshot(row, policy, now)!;
          const real = slaSnapshot(state, now);
          expect(fromRow.resolveDueAt).toEqual(real.resolveDueAt); // whole minutes: the rounded total is exact
          expect(fromRow.paused).toBe(real.paused);
          expect(fromRow.resolveBreached).toBe(real.resolveBreached);
          expect(fromRow.remainingSeconds).toBe(Math.round(real.remainingSeconds!));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a resolved incident as stopped, breached when resolved late', () => {
    const created = new Date('2026-12-21T09:00:00Z');
    const resolvedAt = new Date(created.getTime() + 11 * 3600_000);
    const sla = incidentSlaSnapshot({ createdAt: created, status: 'RESOLVED', acknowledgedAt: new Date(created.getTime() + 60_000), resolvedAt, pausedSince: null, pausedSeconds: 0 }, policyOf({ kind: '24x7' }), new Date(resolvedAt.getTime() + 3600_000))!;
    expect(sla).toMatchObject({ resolvedAt, resolveBreached: true, acknowledgeBreached: false, paused: false, remainingSeconds: null });
  });
});
