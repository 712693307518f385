import { DateTime, IANAZone } from 'luxon';
import { ReportingError, ReportingErrorCode } from './reporting.errors';

/** Longest period a report may cover; a longer one is a mistake, not a report. */
export const MAX_PERIOD_DAYS = 400;

export interface ReportPeriod {
  from: Date;
  to: Date;
  timezone: string;
}

/** Checks a report period: a valid half-open [from, to) of at most MAX_PERIOD_DAYS, a known IANA zone. */
export function checkPeriod(from: Date, to: Date, timezone: string): ReportPeriod {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new ReportingError(ReportingErrorCode.InvalidPeriod, `period start is not a date: ${String(from)}`);
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new ReportingError(ReportingErrorCode.InvalidPeriod, `period end is not a date: ${String(to)}`);
  if (to.getTime() <= from.getTime()) throw new ReportingError(ReportingErrorCode.InvalidPeriod, `period end ${to.toISOString()} is not after its start ${from.toISOString()}`);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw new ReportingError(ReportingErrorCode.InvalidPeriod, `period longer than ${MAX_PERIOD_DAYS} days`);
  if (typeof timezone !== 'string' || !IANAZone.isValidZone(timezone)) throw new ReportingError(ReportingErrorCode.InvalidTimezone, `unknown time zone: ${JSON.stringify(timezone)}`);
  return { from, to, timezone };
}

/** Calendar days (YYYY-MM-DD in the zone) that [from, to) touches, in order. */
export function periodDays(from: Date, to: Date, timezone: string): string[] {
  const days: string[] = [];
  let day = DateTime.fromJSDate(from, { zone: timezone }).startOf('day');
  const last = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone: timezone }).startOf('day');
  while (day <= last) {
    days.push(day.toISODate()!);
    day = day.plus({ days: 1 }).startOf('day');
  }
  return days;
}

/** "1 Nov 2026 – 30 Nov 2026" in the tenant zone (the end is exclusive, so its previous instant is shown). */
export function describePeriod(from: Date, to: Date, timezone: string): string {
  const a = DateTime.fromJSDate(from, { zone: timezone });
  const b = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone: timezone });
  return `${a.toFormat('d LLL yyyy')} – ${b.toFormat('d LLL yyyy')} (${timezone})`;
}
