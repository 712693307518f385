// SLA calendars: 24x7 or business hours in an IANA time zone, with holidays.
// Pure: every instant is passed in; zone rules come from the runtime's tz database via luxon.
import { IANAZone } from 'luxon';

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7; // 1 = Monday … 7 = Sunday

export interface BusinessHours {
  weekday: IsoWeekday;
  /** 'HH:MM' local wall time, 00:00–23:59. */
  start: string;
  /** 'HH:MM' local wall time, 00:01–24:00 ('24:00' = the end of that day); after start. */
  end: string;
}

export type SlaCalendar =
  | { kind: '24x7' }
  | {
      kind: 'business';
      timezone: string;
      businessHours: BusinessHours[];
      /** 'YYYY-MM-DD' dates in the calendar's zone on which no business time counts. */
      holidays: string[];
    };

export type BusinessCalendar = Extract<SlaCalendar, { kind: 'business' }>;

/**
 * The calendar of an API or database input shaped like the GraphQL SlaCalendarInput
 * ({ timezone, businessHours, holidays? }); no input means 24x7. Validate the result.
 */
export function slaCalendarFromInput(
  input: { timezone: string; businessHours: BusinessHours[]; holidays?: string[] | null } | null | undefined,
): SlaCalendar {
  if (input === null || input === undefined) return { kind: '24x7' };
  return { kind: 'business', timezone: input.timezone, businessHours: input.businessHours, holidays: input.holidays ?? [] };
}

/** Thrown by the time functions when handed a calendar that validateCalendar rejects. */
export class InvalidSlaCalendarError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid SLA calendar: ${errors.join('; ')}`);
    this.name = 'InvalidSlaCalendarError';
  }
}

const HHMM = /^(\d{2}):(\d{2})$/;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A calendar with hours but no business time for this long is treated as broken, not looped on. */
const MAX_EMPTY_DAYS = 3_660;

/** Minutes after local midnight, or null if the text is not HH:MM within 00:00–24:00. */
function parseHhMm(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = HHMM.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  if (h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/** Wall-clock midnight of a 'YYYY-MM-DD' date as UTC milliseconds, or null if it is no real date. */
function parseLocalDate(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = YMD.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

/** Every problem with a calendar (from a database row or an API input), each naming the field; [] when valid. */
export function validateCalendar(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return ['calendar must be an object'];
  const cal = input as Record<string, unknown>;
  if (cal.kind === '24x7') return [];
  if (cal.kind !== 'business') return [`calendar.kind must be '24x7' or 'business', got ${JSON.stringify(cal.kind)}`];
  const errors: string[] = [];
  // IANAZone.create caches zones and their validity; isValidZone would build a formatter each time.
  if (typeof cal.timezone !== 'string' || cal.timezone.length === 0 || !IANAZone.create(cal.timezone).isValid) {
    errors.push(`calendar.timezone ${JSON.stringify(cal.timezone)} is not a known IANA time zone`);
  }
  if (!Array.isArray(cal.businessHours)) {
    errors.push('calendar.businessHours must be an array');
  } else {
    if (cal.businessHours.length === 0) errors.push('calendar.businessHours is empty: a business calendar needs at least one interval');
    cal.businessHours.forEach((raw: unknown, i: number) => {
      const where = `calendar.businessHours[${i}]`;
      if (typeof raw !== 'object' || raw === null) {
        errors.push(`${where} must be an object { weekday, start, end }`);
        return;
      }
      const bh = raw as Record<string, unknown>;
      if (!Number.isInteger(bh.weekday) || (bh.weekday as number) < 1 || (bh.weekday as number) > 7) {
        errors.push(`${where}.weekday must be an integer 1 (Monday) to 7 (Sunday), got ${JSON.stringify(bh.weekday)}`);
      }
      const start = parseHhMm(bh.start);
      const end = parseHhMm(bh.end);
      if (start === null || start === 24 * 60) errors.push(`${where}.start must be HH:MM between 00:00 and 23:59, got ${JSON.stringify(bh.start)}`);
      if (end === null) errors.push(`${where}.end must be HH:MM between 00:00 and 24:00, got ${JSON.stringify(bh.end)}`);
      if (start !== null && end !== null && start >= end) {
        errors.push(`${where}: start ${String(bh.start)} must be before end ${String(bh.end)}`);
      }
    });
  }
  if (!Array.isArray(cal.holidays)) {
    errors.push('calendar.holidays must be an array of YYYY-MM-DD dates');
  } else {
    cal.holidays.forEach((h: unknown, i: number) => {
      if (parseLocalDate(h) === null) errors.push(`calendar.holidays[${i}] must be a real YYYY-MM-DD date, got ${JSON.stringify(h)}`);
    });
  }
  return errors;
}

/** A validated business calendar prepared for fast day-by-day walking. */
interface CompiledCalendar {
  zone: IANAZone;
  /** Index 1..7: sorted [startMinute, endMinute] wall-time intervals, overlaps merged. */
  hoursByWeekday: Array<Array<[number, number]>>;
  holidays: Set<number>; // wall midnights (UTC ms of the local date)
  /** Business intervals per local day, filled as days are visited (zone lookups are the slow part). */
  days: Map<number, Array<[number, number]>>;
  /** Zone offsets at each day's sample instant (wall midnight − 15 h). */
  samples: Map<number, number>;
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const errors = validateCalendar(calendar);
  if (errors.length > 0) throw new InvalidSlaCalendarError(errors);
  const hoursByWeekday: Array<Array<[number, number]>> = Array.from({ length: 8 }, () => []);
  for (const bh of calendar.businessHours) {
    hoursByWeekday[bh.weekday].push([parseHhMm(bh.start)!, parseHhMm(bh.end)!]);
  }
  for (let day = 1; day <= 7; day++) {
    const sorted = hoursByWeekday[day].sort((a, b) => a[0] - b[0]);
    // Overlapping or touching entries would otherwise count the same minutes twice.
    const merged: Array<[number, number]> = [];
    for (const [s, e] of sorted) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    hoursByWeekday[day] = merged;
  }
  return {
    zone: IANAZone.create(calendar.timezone),
    hoursByWeekday,
    holidays: new Set(calendar.holidays.map((h) => parseLocalDate(h)!)),
    days: new Map(),
    samples: new Map(),
  };
}

const offsetMs = (zone: IANAZone, instant: number): number => zone.offset(instant) * MINUTE_MS;
/** More than any UTC offset (±14 h), so these instants lie safely outside a local day. */
const OFFSET_MARGIN_MS = 15 * 3_600_000;

/**
 * The instant at which the zone's wall clock reads `wall` (a wall time written as UTC ms).
 * Ambiguous wall times (autumn fall-back) take the earlier instant. Wall times that do not exist
 * (spring-forward gap) take the transition instant: the first moment the clock reads at least `wall`.
 */
function wallToInstant(zone: IANAZone, wall: number): number {
  // Zone offsets change at most once within a day around any real-world transition.
  const offBefore = offsetMs(zone, wall - DAY_MS);
  const offAfter = offsetMs(zone, wall + DAY_MS);
  const candidates = [wall - offBefore, wall - offAfter].filter((t) => t + offsetMs(zone, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: binary-search the transition minute between the two readings.
  let lo = Math.min(wall - offBefore, wall - offAfter);
  let hi = Math.max(wall - offBefore, wall - offAfter);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (mid + offsetMs(zone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Wall midnight (UTC ms) of the local date containing `instant`. */
function localDayOf(zone: IANAZone, instant: number): number {
  const wall = instant + offsetMs(zone, instant);
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

function isoWeekdayOfWallDay(wallDay: number): number {
  const d = new Date(wallDay).getUTCDay();
  return d === 0 ? 7 : d;
}

function sampleOffset(cal: CompiledCalendar, wallDay: number): number {
  let off = cal.samples.get(wallDay);
  if (off === undefined) {
    off = offsetMs(cal.zone, wallDay - OFFSET_MARGIN_MS);
    cal.samples.set(wallDay, off);
  }
  return off;
}

/** Business intervals [start, end) as real instants for one local day, in order. */
function intervalsOfDay(cal: CompiledCalendar, wallDay: number): Array<[number, number]> {
  const cached = cal.days.get(wallDay);
  if (cached) return cached;
  const out: Array<[number, number]> = [];
  const hours = cal.holidays.has(wallDay) ? [] : cal.hoursByWeekday[isoWeekdayOfWallDay(wallDay)];
  if (hours.length > 0) {
    // Most days have one offset throughout: then wall − offset is exact. Sampling 15 h before
    // this day's and three days later's wall midnight brackets every instant of this local day
    // (offsets stay within ±14 h); equal samples mean no switch in between, as zones do not
    // switch twice within three days. Consecutive days share samples.
    const before = sampleOffset(cal, wallDay);
    const steady = before === sampleOffset(cal, wallDay + 3 * DAY_MS);
    const toInstant = (wall: number) => (steady ? wall - before : wallToInstant(cal.zone, wall));
    for (const [s, e] of hours) {
      const from = toInstant(wallDay + s * MINUTE_MS);
      const to = toInstant(wallDay + e * MINUTE_MS);
      if (to > from) out.push([from, to]);
    }
  }
  cal.days.set(wallDay, out);
  return out;
}

function checkDate(name: string, d: Date): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

/** Business-time arithmetic on one calendar, validated once and sharing its per-day work. */
export interface BusinessTime {
  add(start: Date, seconds: number): Date;
  between(a: Date, b: Date): number;
}

/**
 * A calculator for many computations on one calendar (an SLA snapshot, a report). Holds a
 * cache of visited days, so keep it for one unit of work rather than forever.
 * Throws InvalidSlaCalendarError for an invalid calendar.
 */
export function businessTime(calendar: SlaCalendar): BusinessTime {
  const cal = calendar.kind === '24x7' ? null : compile(calendar as BusinessCalendar);

  function add(start: Date, seconds: number): Date {
    const startMs = checkDate('start', start);
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`seconds must be a finite number >= 0, got ${String(seconds)}`);
    }
    let remaining = Math.round(seconds * 1000);
    if (cal === null || remaining === 0) return new Date(startMs + remaining);
    let day = localDayOf(cal.zone, startMs);
    let emptyDays = 0;
    for (;;) {
      const intervals = intervalsOfDay(cal, day);
      for (const [from, to] of intervals) {
        if (to <= startMs) continue;
        const begin = Math.max(from, startMs);
        const available = to - begin;
        if (remaining <= available) return new Date(begin + remaining);
        remaining -= available;
      }
      emptyDays = intervals.length === 0 ? emptyDays + 1 : 0;
      if (emptyDays > MAX_EMPTY_DAYS) {
        throw new InvalidSlaCalendarError([`calendar has no business time for ${MAX_EMPTY_DAYS} consecutive days`]);
      }
      day += DAY_MS;
    }
  }

  function between(a: Date, b: Date): number {
    const aMs = checkDate('a', a);
    const bMs = checkDate('b', b);
    if (bMs < aMs) {
      const forward = between(b, a);
      return forward === 0 ? 0 : -forward; // no -0
    }
    if (cal === null) return (bMs - aMs) / 1000;
    let total = 0;
    const lastDay = localDayOf(cal.zone, bMs);
    for (let day = localDayOf(cal.zone, aMs); day <= lastDay; day += DAY_MS) {
      for (const [from, to] of intervalsOfDay(cal, day)) {
        const overlap = Math.min(to, bMs) - Math.max(from, aMs);
        if (overlap > 0) total += overlap;
      }
    }
    return total / 1000;
  }

  return { add, between };
}

/**
 * The instant at which `seconds` of business time have elapsed after `start`: the earliest such
 * instant, so a target that uses up Friday's last minute is due Friday at closing, not Monday.
 * Throws InvalidSlaCalendarError for an invalid calendar and RangeError for a negative or
 * non-finite amount or an invalid Date.
 */
export function addBusinessSeconds(calendar: SlaCalendar, start: Date, seconds: number): Date {
  return businessTime(calendar).add(start, seconds);
}

/**
 * Business seconds between two instants; negative when b is before a, so that
 * businessSecondsBetween(c, a, b) === -businessSecondsBetween(c, b, a).
 */
export function businessSecondsBetween(calendar: SlaCalendar, a: Date, b: Date): number {
  return businessTime(calendar).between(a, b);
}
