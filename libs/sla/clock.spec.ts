import fc from 'fast-check';
import { addBusinessSeconds, businessSecondsBetween, SlaCalendar } from './calendar';
import { acknowledgeSla, changeSlaStatus, createSlaClock, retargetSla, SlaClockState, SlaPolicyTargets, slaSnapshot, validateSlaPolicy } from './clock';

const MIN = 60;
const H = 3600;
const T0 = new Date('2026-01-14T10:00:00Z'); // a Wednesday
const at = (seconds: number, from: Date = T0) => new Date(from.getTime() + seconds * 1000);
const always: SlaCalendar = { kind: '24x7' };
const berlinOffice: SlaCalendar = {
  kind: 'business',
  timezone: 'Europe/Berlin',
  holidays: ['2026-01-19'],
  businessHours: ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
};
const high: SlaPolicyTargets = { ackSeconds: 15 * MIN, resolveSeconds: 4 * H, calendar: always };

function clock(policy: SlaPolicyTargets = high, createdAt = T0): SlaClockState {
  const r = createSlaClock({ policy, createdAt });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}

describe('createSlaClock and validateSlaPolicy', () => {
  it('refuses bad policies with a line per problem', () => {
    expect(validateSlaPolicy({ ackSeconds: -1, resolveSeconds: Infinity, warnFraction: 1.5, pauseStatuses: 'AWAITING_CUSTOMER', calendar: { kind: 'business', timezone: 'X/Y', businessHours: [], holidays: [] } })).toEqual([
      'policy.ackSeconds must be a finite number >= 0, got -1',
      'policy.resolveSeconds must be a finite number >= 0, got null',
      'policy.warnFraction must be a number in (0, 1], got 1.5',
      'policy.pauseStatuses must be an array of status names',
      'policy.calendar.timezone "X/Y" is not a known IANA time zone',
      'policy.calendar.businessHours is empty: a business calendar needs at least one interval',
    ]);
    const r = createSlaClock({ policy: { ...high, warnFraction: 0 }, createdAt: T0 });
    expect(r).toEqual({ ok: false, errors: ['policy.warnFraction must be a number in (0, 1], got 0'] });
    expect(createSlaClock({ policy: high, createdAt: new Date('x') })).toEqual({ ok: false, errors: ['createdAt must be a valid Date'] });
  });

  it('applies the defaults: pause on AWAITING_CUSTOMER, warn at 80 %', () => {
    const s = clock();
    expect(s.policy.pauseStatuses).toEqual(['AWAITING_CUSTOMER']);
    expect(s.policy.warnFraction).toBe(0.8);
    expect(s.status).toBe('NEW');
  });
});

describe('slaSnapshot on a 24x7 policy', () => {
  it('gives due and warning times from creation and the ack clock as the running one', () => {
    const snap = slaSnapshot(clock(), at(5 * MIN));
    expect(snap.acknowledgeDueAt).toEqual(at(15 * MIN));
    expect(snap.acknowledgeWarnAt).toEqual(at(12 * MIN));
    expect(snap.resolveDueAt).toEqual(at(4 * H));
    expect(snap.resolveWarnAt).toEqual(at(0.8 * 4 * H));
    expect(snap.remainingSeconds).toBe(10 * MIN);
    expect(snap).toMatchObject({ acknowledgeBreached: false, resolveBreached: false, paused: false, acknowledgedAt: null, resolvedAt: null, timeToAcknowledgeSeconds: null, timeToResolveSeconds: null });
    expect(snap.nextDeadlineAt).toEqual(at(12 * MIN));
  });

  it('an unacknowledged incident breaches exactly at the due time, not a second early', () => {
    const s = clock();
    expect(slaSnapshot(s, at(15 * MIN - 1)).acknowledgeBreached).toBe(false);
    expect(slaSnapshot(s, new Date(at(15 * MIN).getTime() - 1)).acknowledgeBreached).toBe(false);
    expect(slaSnapshot(s, at(15 * MIN)).acknowledgeBreached).toBe(true);
    expect(slaSnapshot(s, at(15 * MIN)).remainingSeconds).toBe(0);
    expect(slaSnapshot(s, at(20 * MIN)).remainingSeconds).toBe(-5 * MIN);
  });

  it('stops the ack clock at the first acknowledgement and switches to the resolve clock', () => {
    const s = acknowledgeSla(acknowledgeSla(clock(), at(7 * MIN)), at(30 * MIN));
    const snap = slaSnapshot(s, at(H));
    expect(snap.acknowledgedAt).toEqual(at(7 * MIN));
    expect(snap.timeToAcknowledgeSeconds).toBe(7 * MIN);
    expect(snap.acknowledgeBreached).toBe(false);
    expect(snap.remainingSeconds).toBe(3 * H);
    expect(snap.nextDeadlineAt).toEqual(at(0.8 * 4 * H));
  });

  it('an acknowledgement at the due instant is on time, one after it is breached', () => {
    expect(slaSnapshot(acknowledgeSla(clock(), at(15 * MIN)), at(H)).acknowledgeBreached).toBe(false);
    expect(slaSnapshot(acknowledgeSla(clock(), at(15 * MIN + 1)), at(H)).acknowledgeBreached).toBe(true);
  });

  it('resolution stops both clocks and gives time to resolve', () => {
    const s = changeSlaStatus(acknowledgeSla(clock(), at(10 * MIN)), 'RESOLVED', at(5 * H));
    const snap = slaSnapshot(s, at(10 * H));
    expect(snap.timeToResolveSeconds).toBe(5 * H);
    expect(snap.resolveBreached).toBe(true);
    expect(snap.remainingSeconds).toBeNull();
    expect(snap.nextDeadlineAt).toBeNull();
    // Resolved without an acknowledgement, before the ack target: the ack clock stopped in time.
    const quick = slaSnapshot(changeSlaStatus(clock(), 'FALSE_POSITIVE', at(5 * MIN)), at(H));
    expect(quick).toMatchObject({ acknowledgeBreached: false, resolveBreached: false, acknowledgedAt: null, timeToResolveSeconds: 5 * MIN });
  });

  it('an acknowledgement recorded after resolution does not reopen the acknowledge clock', () => {
    const s = acknowledgeSla(changeSlaStatus(clock(), 'RESOLVED', at(5 * MIN)), at(H));
    const snap = slaSnapshot(s, at(2 * H));
    expect(snap.acknowledgeBreached).toBe(false);
    expect(snap.timeToAcknowledgeSeconds).toBe(H); // reported as recorded
  });

  it('does not show events that lie after `now`', () => {
    const s = acknowledgeSla(clock(), at(10 * MIN));
    expect(slaSnapshot(s, at(5 * MIN)).acknowledgedAt).toBeNull();
    expect(slaSnapshot(s, at(5 * MIN)).remainingSeconds).toBe(10 * MIN);
  });
});

describe('pause and resume', () => {
  const acked = () => acknowledgeSla(clock(), at(5 * MIN));

  it('freezes the resolve clock while awaiting the customer and moves the due time later', () => {
    const paused = changeSlaStatus(changeSlaStatus(acked(), 'INVESTIGATING', at(10 * MIN)), 'AWAITING_CUSTOMER', at(H));
    const during = slaSnapshot(paused, at(2 * H));
    expect(during.paused).toBe(true);
    expect(during.resolveDueAt).toEqual(at(5 * H));
    expect(during.remainingSeconds).toBe(3 * H);
    expect(during.nextDeadlineAt).toBeNull(); // nothing can fall due while paused
    expect(slaSnapshot(paused, at(2.5 * H)).remainingSeconds).toBe(3 * H);
    expect(slaSnapshot(paused, at(2.5 * H)).resolveDueAt).toEqual(at(5.5 * H));

    const resumed = changeSlaStatus(paused, 'INVESTIGATING', at(3 * H));
    const after = slaSnapshot(resumed, at(4 * H));
    expect(after.paused).toBe(false);
    expect(after.resolveDueAt).toEqual(at(6 * H));
    expect(after.resolveWarnAt).toEqual(at(0.8 * 4 * H + 2 * H));
    expect(after.remainingSeconds).toBe(2 * H);
    expect(after.resolveBreached).toBe(false);
    expect(slaSnapshot(resumed, at(6 * H)).resolveBreached).toBe(true);

    const done = slaSnapshot(changeSlaStatus(resumed, 'RESOLVED', at(5 * H)), at(9 * H));
    expect(done.timeToResolveSeconds).toBe(3 * H);
    expect(done.resolveBreached).toBe(false);
  });

  it('accumulates several pauses and ignores repeated entries into the same pause status', () => {
    let s = acked();
    s = changeSlaStatus(s, 'AWAITING_CUSTOMER', at(H));
    s = changeSlaStatus(s, 'AWAITING_CUSTOMER', at(1.5 * H));
    s = changeSlaStatus(s, 'INVESTIGATING', at(2 * H));
    s = changeSlaStatus(s, 'AWAITING_CUSTOMER', at(3 * H));
    s = changeSlaStatus(s, 'CONTAINED', at(3.5 * H));
    expect(s.pauses).toHaveLength(2);
    expect(slaSnapshot(s, at(4 * H)).resolveDueAt).toEqual(at(5.5 * H));
  });

  it('does not pause the acknowledge clock', () => {
    const s = changeSlaStatus(clock(), 'AWAITING_CUSTOMER', at(MIN));
    const snap = slaSnapshot(s, at(20 * MIN));
    expect(snap.acknowledgeBreached).toBe(true);
    expect(snap.paused).toBe(true);
  });

  it('resolving while paused ends the pause at the resolution', () => {
    let s = changeSlaStatus(acked(), 'AWAITING_CUSTOMER', at(H));
    s = changeSlaStatus(s, 'RESOLVED', at(2 * H));
    const snap = slaSnapshot(s, at(10 * H));
    expect(snap.paused).toBe(false);
    expect(snap.timeToResolveSeconds).toBe(H);
    expect(snap.resolveDueAt).toEqual(at(5 * H));
  });

  it('a reopened incident resumes the resolve clock without counting the resolved spell', () => {
    let s = changeSlaStatus(acked(), 'RESOLVED', at(H));
    s = changeSlaStatus(s, 'INVESTIGATING', at(10 * H));
    const snap = slaSnapshot(s, at(11 * H));
    expect(snap.resolvedAt).toBeNull();
    expect(snap.remainingSeconds).toBe(2 * H);
    expect(snap.resolveDueAt).toEqual(at(13 * H));
    s = changeSlaStatus(s, 'RESOLVED', at(12 * H));
    expect(slaSnapshot(s, at(20 * H)).timeToResolveSeconds).toBe(3 * H);
  });

  it('measures pauses in business time on a business calendar', () => {
    const office = clock({ ackSeconds: H, resolveSeconds: 8 * H, calendar: berlinOffice }, new Date('2026-01-15T08:00:00Z')); // Thu 09:00 CET
    let s = acknowledgeSla(office, new Date('2026-01-15T08:30:00Z'));
    // Paused from Friday 16:00 to Tuesday 10:00: one hour on Friday, Monday is a holiday, one hour on Tuesday.
    s = changeSlaStatus(s, 'AWAITING_CUSTOMER', new Date('2026-01-16T15:00:00Z'));
    s = changeSlaStatus(s, 'INVESTIGATING', new Date('2026-01-20T09:00:00Z'));
    const snap = slaSnapshot(s, new Date('2026-01-20T09:00:00Z'));
    // 8 business hours + 2 paused from Thu 09:00 → Thu 8 h, Fri 2 h → Friday 11:00 CET.
    expect(snap.resolveDueAt.toISOString()).toBe('2026-01-16T10:00:00.000Z');
    expect(snap.resolveBreached).toBe(true);
    // Elapsed Thu 8 h + Fri 8 h + Tue 1 h = 17 h, minus 2 h paused = 15 h against an 8 h target.
    expect(snap.remainingSeconds).toBe(-7 * H);
  });
});

describe('business calendar clock', () => {
  it('an incident on Friday afternoon is due on the next business day, skipping the holiday', () => {
    const friday = new Date('2026-01-16T15:30:00Z'); // 16:30 CET
    const snap = slaSnapshot(clock({ ackSeconds: H, resolveSeconds: 4 * H, calendar: berlinOffice }, friday), new Date('2026-01-17T12:00:00Z'));
    expect(snap.acknowledgeDueAt.toISOString()).toBe('2026-01-20T08:30:00.000Z'); // Tuesday 09:30 CET
    expect(snap.acknowledgeWarnAt.toISOString()).toBe('2026-01-20T08:18:00.000Z');
    expect(snap.remainingSeconds).toBe(30 * MIN); // the weekend does not consume the target
    expect(snap.acknowledgeBreached).toBe(false);
  });
});

describe('re-targeting on a severity change', () => {
  const critical: SlaPolicyTargets = { ackSeconds: 5 * MIN, resolveSeconds: H, calendar: always };

  it('measures the new targets from creation', () => {
    const r = retargetSla(clock(), critical, at(2 * MIN));
    if (!r.ok) throw new Error(r.errors.join());
    const snap = slaSnapshot(r.value, at(3 * MIN));
    expect(snap.acknowledgeDueAt).toEqual(at(5 * MIN));
    expect(snap.resolveDueAt).toEqual(at(H));
    expect(snap.remainingSeconds).toBe(2 * MIN);
  });

  it('an upgrade past the new due time is breached at once', () => {
    const r = retargetSla(clock(), critical, at(10 * MIN));
    if (!r.ok) throw new Error(r.errors.join());
    expect(slaSnapshot(r.value, at(10 * MIN)).acknowledgeBreached).toBe(true);
    expect(slaSnapshot(clock(), at(10 * MIN)).acknowledgeBreached).toBe(false);
  });

  it('keeps pauses and re-measures them in the new calendar', () => {
    let s = acknowledgeSla(clock({ ...high, resolveSeconds: 24 * H }, new Date('2026-01-16T08:00:00Z')), new Date('2026-01-16T08:05:00Z'));
    s = changeSlaStatus(s, 'AWAITING_CUSTOMER', new Date('2026-01-16T15:00:00Z'));
    s = changeSlaStatus(s, 'INVESTIGATING', new Date('2026-01-20T09:00:00Z'));
    expect(slaSnapshot(s, new Date('2026-01-20T09:00:00Z')).resolveDueAt.toISOString()).toBe('2026-01-21T02:00:00.000Z'); // 24 h + 90 h paused
    const r = retargetSla(s, { ackSeconds: H, resolveSeconds: 8 * H, calendar: berlinOffice }, new Date('2026-01-20T09:00:00Z'));
    if (!r.ok) throw new Error(r.errors.join());
    // Fri 09:00–16:00 CET = 7 h; paused 2 business hours; 1 h left from Tue 10:00 CET.
    expect(slaSnapshot(r.value, new Date('2026-01-20T09:00:00Z')).resolveDueAt.toISOString()).toBe('2026-01-20T10:00:00.000Z');
  });

  it('starts or ends a pause when the new policy pauses on other statuses', () => {
    let s = changeSlaStatus(acknowledgeSla(clock(), at(MIN)), 'CONTAINED', at(H));
    const r = retargetSla(s, { ...high, pauseStatuses: ['AWAITING_CUSTOMER', 'CONTAINED'] }, at(2 * H));
    if (!r.ok) throw new Error(r.errors.join());
    expect(slaSnapshot(r.value, at(3 * H))).toMatchObject({ paused: true, remainingSeconds: 2 * H });
    const back = retargetSla(r.value, high, at(3 * H));
    if (!back.ok) throw new Error(back.errors.join());
    s = back.value;
    expect(slaSnapshot(s, at(4 * H))).toMatchObject({ paused: false, remainingSeconds: H });
  });

  it('refuses an invalid new policy and leaves the caller with the old state', () => {
    expect(retargetSla(clock(), { ...critical, ackSeconds: NaN }, at(MIN))).toEqual({ ok: false, errors: ['policy.ackSeconds must be a finite number >= 0, got null'] });
  });
});

const calendars = fc.constantFrom<SlaCalendar>(always, berlinOffice, {
  kind: 'business',
  timezone: 'America/New_York',
  holidays: ['2026-11-26'],
  businessHours: [
    ...([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start: '08:00', end: '12:00' })),
    ...([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start: '13:00', end: '18:00' })),
  ],
});
const instant = fc.integer({ min: Date.UTC(2026, 0, 1) / 1000, max: Date.UTC(2026, 11, 1) / 1000 }).map((s) => new Date(s * 1000));
const target = fc.integer({ min: 60, max: 5 * 24 * H });

describe('clock properties', () => {
  it('a never-acknowledged incident breaches exactly at its due time, on any calendar', () => {
    fc.assert(
      fc.property(calendars, instant, target, target, (calendar, createdAt, ackSeconds, resolveSeconds) => {
        const s = clock({ ackSeconds, resolveSeconds, calendar }, createdAt);
        const due = slaSnapshot(s, createdAt).acknowledgeDueAt;
        expect(businessSecondsBetween(calendar, createdAt, due)).toBe(ackSeconds);
        expect(slaSnapshot(s, new Date(due.getTime() - 1000)).acknowledgeBreached).toBe(false);
        expect(slaSnapshot(s, new Date(due.getTime() - 1000)).remainingSeconds).toBe(1);
        expect(slaSnapshot(s, due).acknowledgeBreached).toBe(true);
        const rDue = slaSnapshot(s, createdAt).resolveDueAt;
        expect(slaSnapshot(s, new Date(rDue.getTime() - 1000)).resolveBreached).toBe(false);
        expect(slaSnapshot(s, rDue).resolveBreached).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('time to resolve = business time from creation to resolution minus paused business time, and the due time moves by exactly the pauses', () => {
    fc.assert(
      fc.property(calendars, instant, fc.array(fc.integer({ min: 1, max: 3 * 24 * H }), { minLength: 2, maxLength: 8 }), (calendar, createdAt, gaps) => {
        // Alternate AWAITING_CUSTOMER / INVESTIGATING at the given gaps, then resolve.
        let s = acknowledgeSla(clock({ ackSeconds: H, resolveSeconds: 2 * 24 * H, calendar }, createdAt), createdAt);
        let t = createdAt.getTime();
        let paused = 0;
        gaps.forEach((gap, i) => {
          const from = new Date(t);
          t += gap * 1000;
          if (i % 2 === 1) paused += businessSecondsBetween(calendar, from, new Date(t));
          s = changeSlaStatus(s, i % 2 === 0 ? 'AWAITING_CUSTOMER' : 'INVESTIGATING', new Date(t));
        });
        const resolvedAt = new Date(t + 1000);
        if (gaps.length % 2 === 1) paused += businessSecondsBetween(calendar, new Date(t), resolvedAt); // still paused until resolution
        s = changeSlaStatus(s, 'RESOLVED', resolvedAt);
        const snap = slaSnapshot(s, resolvedAt);
        expect(snap.timeToResolveSeconds).toBe(businessSecondsBetween(calendar, createdAt, resolvedAt) - paused);
        expect(snap.resolveDueAt).toEqual(addBusinessSeconds(calendar, createdAt, 2 * 24 * H + paused));
      }),
      { numRuns: 100 },
    );
  });

  it('remaining seconds of a running clock equal the business time until its due instant', () => {
    fc.assert(
      fc.property(calendars, instant, target, fc.integer({ min: 0, max: 10 * 24 * H }), (calendar, createdAt, ackSeconds, later) => {
        const s = clock({ ackSeconds, resolveSeconds: ackSeconds * 4, calendar }, createdAt);
        const now = at(later, createdAt);
        const snap = slaSnapshot(s, now);
        expect(snap.remainingSeconds).toBe(businessSecondsBetween(calendar, now, snap.acknowledgeDueAt));
        expect(snap.acknowledgeBreached).toBe(now.getTime() >= snap.acknowledgeDueAt.getTime());
      }),
      { numRuns: 100 },
    );
  });
});
