import { MONTHLY_REPORT_PATTERN, monthlySchedulerId, nextMonthlyRun, planMonthlySchedulers, previousMonthPeriod, RECONCILE_SCHEDULER_ID, scheduledReportId } from './report-schedule';
import { ReportingError } from './reporting.errors';

const BERLIN = 'Europe/Berlin';
const iso = (d: Date) => d.toISOString();

describe('monthly report schedule', () => {
  it('reports the previous calendar month in the tenant zone (CET month)', () => {
    // Fired 1 Dec 2026 06:00 Berlin (05:00Z): November, local midnight to local midnight.
    const p = previousMonthPeriod(new Date('2026-12-01T05:00:00Z'), BERLIN);
    expect([iso(p.from), iso(p.to)]).toEqual(['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z']);
  });

  it('handles a month with a DST change: March 2026 in Berlin is 31 days minus one hour', () => {
    const p = previousMonthPeriod(new Date('2026-04-01T04:00:00Z'), BERLIN);
    expect([iso(p.from), iso(p.to)]).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    expect(p.to.getTime() - p.from.getTime()).toBe((31 * 24 - 1) * 3600_000);
  });

  it('uses the local month, not the UTC one, just after local midnight on the 1st', () => {
    // 1 Jan 2027 00:30 Berlin is still 31 Dec in UTC: the month before is December.
    const p = previousMonthPeriod(new Date('2026-12-31T23:30:00Z'), BERLIN);
    expect([iso(p.from), iso(p.to)]).toEqual(['2026-11-30T23:00:00.000Z', '2026-12-31T23:00:00.000Z']);
    // The same instant in UTC is still December: November is reported.
    expect(iso(previousMonthPeriod(new Date('2026-12-31T23:30:00Z'), 'UTC').from)).toBe('2026-11-01T00:00:00.000Z');
  });

  it('finds the next run: the 1st at 06:00 local, CET or CEST', () => {
    expect(iso(nextMonthlyRun(new Date('2026-11-25T23:49:00Z'), BERLIN))).toBe('2026-12-01T05:00:00.000Z');
    expect(iso(nextMonthlyRun(new Date('2026-03-15T12:00:00Z'), BERLIN))).toBe('2026-04-01T04:00:00.000Z');
    // Exactly at a run: the next one. Just before: this one.
    expect(iso(nextMonthlyRun(new Date('2026-12-01T05:00:00Z'), BERLIN))).toBe('2027-01-01T05:00:00.000Z');
    expect(iso(nextMonthlyRun(new Date('2026-12-01T04:59:59Z'), BERLIN))).toBe('2026-12-01T05:00:00.000Z');
    expect(iso(nextMonthlyRun(new Date('2026-12-01T04:59:59Z'), 'America/New_York'))).toBe('2026-12-01T11:00:00.000Z');
  });

  it('refuses an unknown zone with a clear error', () => {
    expect(() => previousMonthPeriod(new Date(), 'Mars/Olympus')).toThrow(ReportingError);
    expect(() => nextMonthlyRun(new Date(), 'Mars/Olympus')).toThrow(/unknown time zone/);
  });

  it('plans schedulers: adds new opted-in tenants, fixes a changed zone, removes opted-out and deleted ones, leaves the rest', () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    const c = '00000000-0000-4000-8000-00000000000c';
    const d = '00000000-0000-4000-8000-00000000000d';
    const e = '00000000-0000-4000-8000-00000000000e';
    const plan = planMonthlySchedulers(
      [
        { id: a, timezone: BERLIN, monthlyReport: true }, // new
        { id: b, timezone: BERLIN, monthlyReport: true }, // unchanged
        { id: c, timezone: 'Asia/Tokyo', monthlyReport: true }, // zone changed
        { id: d, timezone: BERLIN, monthlyReport: false }, // opted out
        { id: e, timezone: 'Not/AZone', monthlyReport: true },
      ],
      [
        { key: monthlySchedulerId(b), pattern: MONTHLY_REPORT_PATTERN, tz: BERLIN },
        { key: monthlySchedulerId(c), pattern: MONTHLY_REPORT_PATTERN, tz: 'UTC' },
        { key: monthlySchedulerId(d), pattern: MONTHLY_REPORT_PATTERN, tz: BERLIN },
        { key: monthlySchedulerId('00000000-0000-4000-8000-0000000000ff'), pattern: MONTHLY_REPORT_PATTERN, tz: 'UTC' }, // tenant deleted
        { key: RECONCILE_SCHEDULER_ID, pattern: null, tz: null },
      ],
    );
    expect(plan.upsert).toEqual([
      { schedulerId: `monthly-report:${a}`, tenantId: a, timezone: BERLIN },
      { schedulerId: `monthly-report:${c}`, tenantId: c, timezone: 'Asia/Tokyo' },
    ]);
    expect(plan.remove.sort()).toEqual([monthlySchedulerId(d), monthlySchedulerId('00000000-0000-4000-8000-0000000000ff')].sort());
    expect(plan.invalid).toEqual([{ tenantId: e, timezone: 'Not/AZone' }]);
  });

  it('derives one report id per tenant and period, a valid UUID', () => {
    const t = '3f1c2b9e-4a57-4c1e-9d0e-6b2f1a7c8d90';
    const from = new Date('2026-10-31T23:00:00Z');
    const to = new Date('2026-11-30T23:00:00Z');
    const id = scheduledReportId(t, from, to);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(scheduledReportId(t.toUpperCase(), from, to)).toBe(id);
    expect(scheduledReportId(t, from, new Date('2026-12-31T23:00:00Z'))).not.toBe(id);
    expect(scheduledReportId('4f1c2b9e-4a57-4c1e-9d0e-6b2f1a7c8d90', from, to)).not.toBe(id);
  });
});
