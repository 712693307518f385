// Timestamp readers for the shapes sensors send. Patterns are compiled once, at module load.
// A stamp outside [1990-01-01, 2100-01-01) is rejected as absurd: it is a broken clock or a unit
// mistake (seconds sent as milliseconds), and a wrong ts would file the event in the wrong day.
import { lookupTable } from './lookup-table';
import { RecordError, describe } from './record-fields';

export const MIN_TS_MS = Date.UTC(1990, 0, 1);
export const MAX_TS_MS = Date.UTC(2100, 0, 1);

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
// CEF rt/start/end: "MMM dd [yyyy] HH:mm:ss[.SSS] [zone]".
const CEF_DATE = /^([A-Za-z]{3}) +(\d{1,2}) +(?:(\d{4}) +)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: +(\S+))?$/;
const EPOCH_DIGITS = /^\d{1,16}(?:\.\d{1,9})?$/;
const NUMERIC_ZONE = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/;

const MONTHS = lookupTable<number>({
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
});

// Abbreviations are ambiguous world-wide; these are the ones CEF devices commonly print.
const ZONE_OFFSETS_MIN = lookupTable<number>({
  Z: 0, UTC: 0, GMT: 0, UT: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600,
  WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180,
  IST: 330, JST: 540, KST: 540, AEST: 600, AEDT: 660,
});

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month0: number): number {
  if (month0 !== 1) return DAYS_IN_MONTH[month0];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** `source` is the value as sent; it is formatted for the error only (this runs for every event). */
function checkRange(ms: number, field: string, source: string | number): Date {
  if (!Number.isFinite(ms) || ms < MIN_TS_MS || ms >= MAX_TS_MS) {
    const shown = typeof source === 'string' ? JSON.stringify(source.slice(0, 40)) : String(source);
    throw new RecordError(`${field} ${shown} is outside 1990-01-01..2099-12-31`);
  }
  return new Date(ms);
}

function buildUtc(field: string, text: string, y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string | undefined, offsetMin: number): Date {
  if (mo < 0 || mo > 11 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60) {
    throw new RecordError(`${field} ${JSON.stringify(text.slice(0, 40))} is not a valid date`);
  }
  // Date keeps milliseconds: microseconds and nanoseconds are truncated.
  const ms = fraction ? Number((fraction + '00').slice(0, 3)) : 0;
  return checkRange(Date.UTC(y, mo, d, h, mi, s, ms) - offsetMin * 60_000, field, text);
}

/** ISO 8601 / RFC 3339 with optional fraction and zone ("+0000", "+00:00", "Z"); no zone means UTC. */
export function parseIsoTimestamp(text: string, field: string): Date {
  const m = ISO.exec(text);
  if (m === null) throw new RecordError(`${field} ${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 timestamp`);
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) throw new RecordError(`${field} has an invalid zone offset`);
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return buildUtc(field, text, Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7], offset);
}

/** Seconds since the epoch (Zeek `ts`, float). */
export function epochSecondsToDate(v: number, field: string): Date {
  return checkRange(Math.round(v * 1000), field, v);
}

/** Milliseconds since the epoch (OCSF `time`). */
export function epochMillisToDate(v: number, field: string): Date {
  return checkRange(Math.round(v), field, v);
}

/** Zeek `ts`: epoch seconds as a number (or numeric string, as TSV gives it) or an ISO string. */
export function zeekTimestamp(v: unknown, field: string): Date {
  if (typeof v === 'number') return epochSecondsToDate(v, field);
  if (typeof v === 'string') {
    if (EPOCH_DIGITS.test(v)) return epochSecondsToDate(Number(v), field);
    return parseIsoTimestamp(v, field);
  }
  throw new RecordError(`${field} must be epoch seconds or an ISO string, got ${describe(v)}`);
}

/**
 * Year for a stamp printed without one (RFC 3164, CEF "MMM dd HH:mm:ss"): the receivedAt year,
 * moved by one when that would put the event more than a month in the future or ~11 months past.
 */
function inferYear(month0: number, day: number, receivedAt: Date): number {
  const year = receivedAt.getUTCFullYear();
  const candidate = Date.UTC(year, month0, Math.min(day, 28));
  const diffDays = (candidate - receivedAt.getTime()) / 86_400_000;
  if (diffDays > 31) return year - 1;
  if (diffDays < -335) return year + 1;
  return year;
}

function zoneOffset(zone: string | undefined, field: string): number {
  if (zone === undefined) return 0;
  const known = ZONE_OFFSETS_MIN[zone.toUpperCase()];
  if (known !== undefined) return known;
  const m = NUMERIC_ZONE.exec(zone);
  if (m !== null) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  throw new RecordError(`${field} has an unknown time zone ${JSON.stringify(zone.slice(0, 20))}`);
}

/** "MMM dd [yyyy] HH:mm:ss[.SSS] [zone]" (CEF and RFC 3164); without a year one is inferred from receivedAt. */
export function parseMonthNameTimestamp(text: string, field: string, receivedAt: Date): Date | null {
  const m = CEF_DATE.exec(text);
  if (m === null) return null;
  const month = MONTHS[m[1].toLowerCase()];
  if (month === undefined) throw new RecordError(`${field} has an unknown month ${JSON.stringify(m[1])}`);
  const day = Number(m[2]);
  const year = m[3] !== undefined ? Number(m[3]) : inferYear(month, day, receivedAt);
  return buildUtc(field, text, year, month, day, Number(m[4]), Number(m[5]), Number(m[6]), m[7], zoneOffset(m[8], field));
}

/**
 * CEF time fields (rt, start, end): epoch milliseconds per the CEF spec (digit strings below 1e11
 * are read as seconds, a common producer mistake), "MMM dd [yyyy] HH:mm:ss[.SSS] [zone]", or ISO 8601.
 */
export function cefTimestamp(text: string, field: string, receivedAt: Date): Date {
  if (EPOCH_DIGITS.test(text)) {
    const n = Number(text);
    return n < 1e11 ? epochSecondsToDate(n, field) : epochMillisToDate(n, field);
  }
  const named = parseMonthNameTimestamp(text, field, receivedAt);
  if (named !== null) return named;
  return parseIsoTimestamp(text, field);
}
