import { checkPeriod, describePeriod, periodDays } from './period';
import { ReportingError, ReportingErrorCode } from './reporting.errors';

describe('periodDays', () => {
  it('counts local calendar days across the autumn DST change (25-hour day counted once)', () => {
    // New York leaves daylight time on 1 Nov 2026: local midnights are 04:00Z then 05:00Z.
    expect(periodDays(new Date('2026-10-31T04:00:00Z'), new Date('2026-11-03T05:00:00Z'), 'America/New_York')).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
  });

  it('includes a partial first and last day and excludes the exclusive end instant', () => {
    expect(periodDays(new Date('2026-11-01T12:00:00Z'), new Date('2026-11-03T00:00:00Z'), 'UTC')).toEqual(['2026-11-01', '2026-11-02']);
    expect(periodDays(new Date('2026-11-01T12:00:00Z'), new Date('2026-11-03T00:00:01Z'), 'UTC')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
  });

  it('moves a UTC instant to the tenant day (Tokyo is ahead)', () => {
    expect(periodDays(new Date('2026-11-01T15:00:00Z'), new Date('2026-11-01T16:00:00Z'), 'Asia/Tokyo')).toEqual(['2026-11-02']);
  });
});

describe('checkPeriod', () => {
  const from = new Date('2026-11-01T00:00:00Z');
  const to = new Date('2026-12-01T00:00:00Z');

  it('accepts a month', () => {
    expect(checkPeriod(from, to, 'Europe/Berlin')).toEqual({ from, to, timezone: 'Europe/Berlin' });
  });

  it.each([
    [to, from, 'UTC', ReportingErrorCode.InvalidPeriod, /not after its start/],
    [from, from, 'UTC', ReportingErrorCode.InvalidPeriod, /not after its start/],
    [new Date('nope'), to, 'UTC', ReportingErrorCode.InvalidPeriod, /start is not a date/],
    [from, new Date('2028-01-01T00:00:00Z'), 'UTC', ReportingErrorCode.InvalidPeriod, /longer than 400 days/],
    [from, to, 'Mars/Olympus', ReportingErrorCode.InvalidTimezone, /unknown time zone: "Mars\/Olympus"/],
  ])('rejects %s → %s in %s', (a, b, tz, code, message) => {
    let error: unknown;
    try {
      checkPeriod(a, b, tz);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ReportingError);
    expect((error as ReportingError).code).toBe(code);
    expect((error as ReportingError).message).toMatch(message);
  });

  it('describes the period in the tenant zone with an inclusive last day', () => {
    expect(describePeriod(new Date('2026-10-31T23:00:00Z'), new Date('2026-11-30T23:00:00Z'), 'Europe/Berlin')).toBe('1 Nov 2026 – 30 Nov 2026 (Europe/Berlin)');
  });
});
