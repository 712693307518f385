import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addBusinessSeconds, businessSecondsBetween, businessTime, InvalidSlaCalendarError, SlaCalendar, slaCalendarFromInput, validateCalendar } from './calendar';

const H = 3600;
const weekdays = [1, 2, 3, 4, 5] as const;
const allDays = [1, 2, 3, 4, 5, 6, 7] as const;

function officeHours(timezone: string, holidays: string[] = []): SlaCalendar {
  return { kind: 'business', timezone, holidays, businessHours: weekdays.map((weekday) => ({ weekday, start: '09:00', end: '17:00' })) };
}
function allHours(timezone: string, holidays: string[] = []): SlaCalendar {
  return { kind: 'business', timezone, holidays, businessHours: allDays.map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) };
}
/** An instant given as local wall time in a zone, computed with luxon directly. */
function local(zone: string, iso: string): Date {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) throw new Error(`bad test time ${iso} in ${zone}`);
  return dt.toJSDate();
}

describe('validateCalendar', () => {
  it('accepts 24x7 and a well-formed business calendar', () => {
    expect(validateCalendar({ kind: '24x7' })).toEqual([]);
    expect(validateCalendar(officeHours('Europe/Berlin', ['2026-12-25']))).toEqual([]);
  });

  it('maps the GraphQL calendar input: none is 24x7, missing holidays are none', () => {
    expect(slaCalendarFromInput(null)).toEqual({ kind: '24x7' });
    expect(slaCalendarFromInput(undefined)).toEqual({ kind: '24x7' });
    const cal = slaCalendarFromInput({ timezone: 'Europe/Vienna', businessHours: [{ weekday: 1, start: '08:00', end: '16:00' }] });
    expect(cal).toEqual({ kind: 'business', timezone: 'Europe/Vienna', businessHours: [{ weekday: 1, start: '08:00', end: '16:00' }], holidays: [] });
    expect(validateCalendar(cal)).toEqual([]);
  });

  it('names every problem', () => {
    const errors = validateCalendar({
      kind: 'business',
      timezone: 'Europe/Atlantis',
      businessHours: [
        { weekday: 0, start: '09:00', end: '17:00' },
        { weekday: 8, start: '09:00', end: '17:00' },
        { weekday: 1, start: '9:00', end: '17:00' },
        { weekday: 1, start: '09:00', end: '24:30' },
        { weekday: 2, start: '17:00', end: '09:00' },
        { weekday: 3, start: '10:00', end: '10:00' },
        { weekday: 4, start: '10:60', end: '11:00' },
        { weekday: 1.5, start: '10:00', end: '11:00' },
      ],
      holidays: ['2026-02-30', '2026-13-01', '26-01-01', 20260101],
    });
    expect(errors).toEqual([
      'calendar.timezone "Europe/Atlantis" is not a known IANA time zone',
      'calendar.businessHours[0].weekday must be an integer 1 (Monday) to 7 (Sunday), got 0',
      'calendar.businessHours[1].weekday must be an integer 1 (Monday) to 7 (Sunday), got 8',
      'calendar.businessHours[2].start must be HH:MM between 00:00 and 23:59, got "9:00"',
      'calendar.businessHours[3].end must be HH:MM between 00:00 and 24:00, got "24:30"',
      'calendar.businessHours[4]: start 17:00 must be before end 09:00',
      'calendar.businessHours[5]: start 10:00 must be before end 10:00',
      'calendar.businessHours[6].start must be HH:MM between 00:00 and 23:59, got "10:60"',
      'calendar.businessHours[7].weekday must be an integer 1 (Monday) to 7 (Sunday), got 1.5',
      'calendar.holidays[0] must be a real YYYY-MM-DD date, got "2026-02-30"',
      'calendar.holidays[1] must be a real YYYY-MM-DD date, got "2026-13-01"',
      'calendar.holidays[2] must be a real YYYY-MM-DD date, got "26-01-01"',
      'calendar.holidays[3] must be a real YYYY-MM-DD date, got 20260101',
    ]);
  });

  it('refuses a start of 24:00, empty hours, unknown kinds and non-objects', () => {
    expect(validateCalendar({ kind: 'business', timezone: 'UTC', businessHours: [{ weekday: 1, start: '24:00', end: '24:00' }], holidays: [] })).toContain(
      'calendar.businessHours[0].start must be HH:MM between 00:00 and 23:59, got "24:00"',
    );
    expect(validateCalendar({ kind: 'business', timezone: 'UTC', businessHours: [], holidays: [] })).toEqual([
      'calendar.businessHours is empty: a business calendar needs at least one interval',
    ]);
    expect(validateCalendar({ kind: 'weekdays' })).toEqual([`calendar.kind must be '24x7' or 'business', got "weekdays"`]);
    expect(validateCalendar(null)).toEqual(['calendar must be an object']);
    expect(validateCalendar({ kind: 'business', timezone: 'UTC' })).toEqual([
      'calendar.businessHours must be an array',
      'calendar.holidays must be an array of YYYY-MM-DD dates',
    ]);
  });

  it('makes the time functions throw a typed error naming the problem', () => {
    const bad = { kind: 'business', timezone: 'Nowhere/City', businessHours: [{ weekday: 1, start: '09:00', end: '17:00' }], holidays: [] } as SlaCalendar;
    expect(() => addBusinessSeconds(bad, new Date(), 60)).toThrow(InvalidSlaCalendarError);
    expect(() => businessSecondsBetween(bad, new Date(0), new Date())).toThrow(/Nowhere\/City/);
    expect(() => addBusinessSeconds({ kind: '24x7' }, new Date(), -1)).toThrow(RangeError);
    expect(() => addBusinessSeconds({ kind: '24x7' }, new Date('nope'), 1)).toThrow(/start must be a valid Date/);
  });
});

describe('business hours across nights, weekends and holidays', () => {
  const berlin = officeHours('Europe/Berlin');

  it('carries the remainder from Friday afternoon to Monday morning', () => {
    const friday = local('Europe/Berlin', '2026-01-16T16:00');
    expect(addBusinessSeconds(berlin, friday, 2 * H).toISOString()).toBe(local('Europe/Berlin', '2026-01-19T10:00').toISOString());
    expect(businessSecondsBetween(berlin, friday, local('Europe/Berlin', '2026-01-19T10:00'))).toBe(2 * H);
  });

  it('is due at Friday closing when the target uses exactly the last hour, not on Monday', () => {
    const friday = local('Europe/Berlin', '2026-01-16T16:00');
    expect(addBusinessSeconds(berlin, friday, H)).toEqual(local('Europe/Berlin', '2026-01-16T17:00'));
  });

  it('starts counting at opening when the incident arrives on a Saturday or at night', () => {
    expect(addBusinessSeconds(berlin, local('Europe/Berlin', '2026-01-17T11:00'), 30 * 60)).toEqual(local('Europe/Berlin', '2026-01-19T09:30'));
    expect(addBusinessSeconds(berlin, local('Europe/Berlin', '2026-01-14T22:00'), 8 * H + 60)).toEqual(local('Europe/Berlin', '2026-01-16T09:01'));
    expect(businessSecondsBetween(berlin, local('Europe/Berlin', '2026-01-17T00:00'), local('Europe/Berlin', '2026-01-18T23:59'))).toBe(0);
  });

  it('skips holidays given as local dates', () => {
    const withHoliday = officeHours('Europe/Berlin', ['2026-01-19']);
    const friday = local('Europe/Berlin', '2026-01-16T16:00');
    expect(addBusinessSeconds(withHoliday, friday, 2 * H)).toEqual(local('Europe/Berlin', '2026-01-20T10:00'));
    // A whole week: 5 days minus the holiday = 32 hours.
    expect(businessSecondsBetween(withHoliday, local('Europe/Berlin', '2026-01-19T00:00'), local('Europe/Berlin', '2026-01-26T00:00'))).toBe(32 * H);
  });

  it('reads holidays in the calendar zone, not in UTC', () => {
    // 2026-01-19 00:30 in Tokyo is still 2026-01-18 in UTC.
    const tokyo: SlaCalendar = { kind: 'business', timezone: 'Asia/Tokyo', holidays: ['2026-01-19'], businessHours: [{ weekday: 1, start: '00:00', end: '02:00' }] };
    expect(businessSecondsBetween(tokyo, local('Asia/Tokyo', '2026-01-19T00:00'), local('Asia/Tokyo', '2026-01-19T02:00'))).toBe(0);
    expect(businessSecondsBetween(tokyo, local('Asia/Tokyo', '2026-01-26T00:00'), local('Asia/Tokyo', '2026-01-26T02:00'))).toBe(2 * H);
  });

  it('supports several intervals a day and merges overlapping ones', () => {
    const split: SlaCalendar = {
      kind: 'business',
      timezone: 'Europe/Berlin',
      holidays: [],
      businessHours: [
        { weekday: 3, start: '13:00', end: '17:00' },
        { weekday: 3, start: '09:00', end: '12:00' },
        { weekday: 3, start: '10:00', end: '11:30' }, // inside the morning block: must not count twice
      ],
    };
    const wed = (t: string) => local('Europe/Berlin', `2026-01-14T${t}`);
    expect(businessSecondsBetween(split, wed('00:00'), wed('23:59'))).toBe(7 * H);
    expect(addBusinessSeconds(split, wed('11:00'), 90 * 60)).toEqual(wed('13:30'));
    expect(addBusinessSeconds(split, wed('11:00'), H)).toEqual(wed('12:00'));
  });
});

describe('DST: a business day on a switch day has its real length', () => {
  it('Europe/Berlin: the last Sunday of March has 23 hours, of October 25', () => {
    const cal = allHours('Europe/Berlin');
    expect(businessSecondsBetween(cal, local('Europe/Berlin', '2026-03-29T00:00'), local('Europe/Berlin', '2026-03-30T00:00'))).toBe(23 * H);
    expect(businessSecondsBetween(cal, local('Europe/Berlin', '2026-10-25T00:00'), local('Europe/Berlin', '2026-10-26T00:00'))).toBe(25 * H);
    expect(businessSecondsBetween(cal, local('Europe/Berlin', '2026-03-28T00:00'), local('Europe/Berlin', '2026-03-29T00:00'))).toBe(24 * H);
  });

  it('America/New_York: the second Sunday of March has 23 hours, the first Sunday of November 25', () => {
    const cal = allHours('America/New_York');
    expect(businessSecondsBetween(cal, local('America/New_York', '2026-03-08T00:00'), local('America/New_York', '2026-03-09T00:00'))).toBe(23 * H);
    expect(businessSecondsBetween(cal, local('America/New_York', '2026-11-01T00:00'), local('America/New_York', '2026-11-02T00:00'))).toBe(25 * H);
  });

  it('Europe/Berlin night shift over the switch counts real time', () => {
    const night = (weekday: 7, start: string, end: string): SlaCalendar => ({ kind: 'business', timezone: 'Europe/Berlin', holidays: [], businessHours: [{ weekday, start, end }] });
    // 01:00 CET → 04:00 CEST is two real hours on 2026-03-29.
    expect(businessSecondsBetween(night(7, '01:00', '04:00'), new Date('2026-03-28T00:00Z'), new Date('2026-03-30T00:00Z'))).toBe(2 * H);
    // Starting inside the missing hour means starting at the switch (03:00 CEST): 1 hour to 04:00.
    expect(businessSecondsBetween(night(7, '02:30', '04:00'), new Date('2026-03-28T00:00Z'), new Date('2026-03-30T00:00Z'))).toBe(H);
    expect(addBusinessSeconds(night(7, '02:30', '04:00'), new Date('2026-03-28T00:00Z'), 60)).toEqual(new Date('2026-03-29T01:01:00Z'));
    // 01:00 CEST → 04:00 CET is four real hours on 2026-10-25.
    expect(businessSecondsBetween(night(7, '01:00', '04:00'), new Date('2026-10-24T00:00Z'), new Date('2026-10-26T00:00Z'))).toBe(4 * H);
    // An ambiguous start (02:30 happens twice) takes the first occurrence.
    expect(addBusinessSeconds(night(7, '02:30', '04:00'), new Date('2026-10-24T00:00Z'), 0.5)).toEqual(new Date('2026-10-25T00:30:00.500Z'));
  });

  it('America/New_York office hours across the spring weekend land on the new offset', () => {
    const cal = officeHours('America/New_York');
    const friday = local('America/New_York', '2026-03-06T16:00'); // 21:00Z (EST)
    const due = addBusinessSeconds(cal, friday, 2 * H);
    expect(due.toISOString()).toBe('2026-03-09T14:00:00.000Z'); // Monday 10:00 EDT
    expect(businessSecondsBetween(cal, friday, due)).toBe(2 * H);
  });

  it('Europe/Berlin office hours across the autumn weekend land on the new offset', () => {
    const cal = officeHours('Europe/Berlin');
    const due = addBusinessSeconds(cal, local('Europe/Berlin', '2026-10-23T16:30'), H);
    expect(due.toISOString()).toBe('2026-10-26T08:30:00.000Z'); // Monday 09:30 CET
  });
});

// Instants from 2025-12-01 to 2027-02-01, whole seconds, so both DST switches of 2026 are covered.
const instant = fc.integer({ min: Date.UTC(2025, 11, 1) / 1000, max: Date.UTC(2027, 1, 1) / 1000 }).map((s) => new Date(s * 1000));
const zone = fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC');
const halfHour = (i: number) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`;
/** Calendars whose intervals start and end on half hours; `boundaries` limits where they may. */
function calendarsWith(boundaries: number[]): fc.Arbitrary<SlaCalendar> {
  const pair = fc
    .tuple(fc.constantFrom(...boundaries), fc.constantFrom(...boundaries))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
  return fc
    .record({
      timezone: zone,
      hours: fc.array(fc.record({ weekday: fc.constantFrom(...allDays), span: pair }), { minLength: 1, maxLength: 8 }),
      holidays: fc.array(instant.map((d) => d.toISOString().slice(0, 10)), { maxLength: 6 }),
    })
    .map(({ timezone, hours, holidays }) => ({
      kind: 'business' as const,
      timezone,
      holidays,
      businessHours: hours.map(({ weekday, span }) => ({ weekday, start: halfHour(span[0]), end: halfHour(span[1]) })),
    }));
}
const everyHalfHour = Array.from({ length: 49 }, (_, i) => i); // 00:00 … 24:00
const businessCalendar = calendarsWith(everyHalfHour);
// Wall times 01:00–03:00 can be ambiguous on autumn switch days in these zones; the luxon oracle
// below reads wall clocks minute by minute, so it is only comparable away from those boundaries.
const unambiguousCalendar = calendarsWith(everyHalfHour.filter((i) => i < 2 || i > 6));
const switches = ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'].map(Date.parse);
/** Instants within three days of a 2026 DST switch in Berlin or New York. */
const nearSwitch = fc
  .tuple(fc.constantFrom(...switches), fc.integer({ min: -3 * 24 * 3600, max: 3 * 24 * 3600 }))
  .map(([t, offset]) => new Date(t + offset * 1000));
const anyCalendar = fc.oneof(fc.constant<SlaCalendar>({ kind: '24x7' }), businessCalendar);
const seconds = fc.integer({ min: 0, max: 20 * 24 * H });

describe('properties', () => {
  it('generated calendars are valid', () => {
    fc.assert(fc.property(businessCalendar, (cal) => validateCalendar(cal).length === 0));
  });

  it('businessSecondsBetween(start, addBusinessSeconds(start, s)) === s', () => {
    fc.assert(
      fc.property(anyCalendar, instant, seconds, (cal, start, s) => {
        expect(businessSecondsBetween(cal, start, addBusinessSeconds(cal, start, s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('addBusinessSeconds(a, between(a, b)) is the earliest instant with that much business time, never after b', () => {
    fc.assert(
      fc.property(anyCalendar, instant, instant, (cal, x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const s = businessSecondsBetween(cal, a, b);
        const back = addBusinessSeconds(cal, a, s);
        expect(back.getTime()).toBeLessThanOrEqual(b.getTime());
        expect(businessSecondsBetween(cal, back, b)).toBe(0);
        expect(businessSecondsBetween(cal, a, back)).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  it('is monotonic in the amount and in the end instant', () => {
    fc.assert(
      fc.property(anyCalendar, instant, seconds, seconds, instant, (cal, start, s1, s2, end) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        expect(addBusinessSeconds(cal, start, lo).getTime()).toBeLessThanOrEqual(addBusinessSeconds(cal, start, hi).getTime());
        const later = new Date(Math.max(end.getTime(), start.getTime()) + 3_600_000);
        expect(businessSecondsBetween(cal, start, later)).toBeGreaterThanOrEqual(businessSecondsBetween(cal, start, end));
      }),
      { numRuns: 200 },
    );
  });

  it('is additive over adjacent spans and antisymmetric', () => {
    fc.assert(
      fc.property(anyCalendar, instant, instant, instant, (cal, a, b, c) => {
        expect(businessSecondsBetween(cal, a, b) + businessSecondsBetween(cal, b, c)).toBeCloseTo(businessSecondsBetween(cal, a, c), 6);
        expect(businessSecondsBetween(cal, b, a)).toBe(-businessSecondsBetween(cal, a, b) || 0);
      }),
      { numRuns: 150 },
    );
  });

  it('24x7 is plain arithmetic', () => {
    fc.assert(
      fc.property(instant, seconds, instant, (start, s, end) => {
        expect(addBusinessSeconds({ kind: '24x7' }, start, s).getTime()).toBe(start.getTime() + s * 1000);
        expect(businessSecondsBetween({ kind: '24x7' }, start, end)).toBe((end.getTime() - start.getTime()) / 1000);
      }),
    );
  });

  it('a business calendar open every hour of every day equals 24x7, DST switches included', () => {
    fc.assert(
      fc.property(zone, instant, seconds, (tz, start, s) => {
        expect(addBusinessSeconds(allHours(tz), start, s).getTime()).toBe(start.getTime() + s * 1000);
      }),
    );
  });

  it('stays inverse and monotonic in the days around each 2026 DST switch in Berlin and New York', () => {
    const cal = fc.oneof(
      fc.constantFrom('Europe/Berlin', 'America/New_York').map((tz) => allHours(tz)),
      fc.constantFrom('Europe/Berlin', 'America/New_York').map((tz) => officeHours(tz)),
      calendarsWith(everyHalfHour).map((c) => ({ ...c, timezone: 'Europe/Berlin' })),
      calendarsWith(everyHalfHour).map((c) => ({ ...c, timezone: 'America/New_York' })),
    );
    fc.assert(
      fc.property(cal, nearSwitch, fc.integer({ min: 0, max: 3 * 24 * H }), fc.integer({ min: 0, max: 3 * 24 * H }), (c, start, s1, s2) => {
        const d1 = addBusinessSeconds(c, start, s1);
        expect(businessSecondsBetween(c, start, d1)).toBe(s1);
        expect(d1.getTime() <= addBusinessSeconds(c, start, s1 + s2).getTime()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a minute-by-minute count done with luxon wall times', () => {
    const minute = fc.oneof(instant, nearSwitch).map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));
    fc.assert(
      fc.property(unambiguousCalendar, minute, fc.integer({ min: 0, max: 3 * 24 * 60 }), (cal, a, minutes) => {
        if (cal.kind !== 'business') return;
        const b = new Date(a.getTime() + minutes * 60_000);
        let expected = 0;
        for (let t = a.getTime(); t < b.getTime(); t += 60_000) {
          const w = DateTime.fromMillis(t, { zone: cal.timezone });
          if (cal.holidays.includes(w.toISODate()!)) continue;
          const hm = w.toFormat('HH:mm');
          if (cal.businessHours.some((bh) => bh.weekday === w.weekday && bh.start <= hm && hm < bh.end)) expected += 60;
        }
        expect(businessSecondsBetween(cal, a, b)).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('businessTime', () => {
  it('gives the same answers as the one-shot functions and can be reused across calls', () => {
    const cal = officeHours('America/New_York', ['2026-11-26']);
    const time = businessTime(cal);
    const starts = ['2026-11-25T20:00:00Z', '2026-11-06T21:30:00Z', '2026-03-06T20:00:00Z'].map((s) => new Date(s));
    for (const start of starts) {
      for (const s of [0, 1800, 8 * H, 40 * H]) {
        expect(time.add(start, s)).toEqual(addBusinessSeconds(cal, start, s));
        expect(time.between(start, time.add(start, s))).toBe(s);
      }
    }
    expect(() => businessTime({ kind: 'business', timezone: 'UTC', businessHours: [], holidays: [] })).toThrow(InvalidSlaCalendarError);
  });
});
