// Safe readers for untrusted record fields. A reader either returns a clean value (or null when the
// field is absent) or throws RecordError naming the field; the public entry points turn that into
// a { ok: false } result, so nothing escapes to the caller.
import { isIP } from 'node:net';

export class RecordError extends Error {}

export const MAX_DEPTH = 32;
/** Upper bound on values walked per record; a 1 MB JSON line holds well under this. */
export const MAX_VALUES = 2_000_000;
/** Longest string accepted in a normalized text column. */
export const MAX_TEXT = 4096;
/** `message` is a short human line: longer ones are cut, not rejected. */
export const MAX_MESSAGE = 1000;

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that a value is what JSON.parse could have produced (plain objects, arrays, strings,
 * finite numbers, booleans, null; undefined members are tolerated as absent) and nests no deeper
 * than MAX_DEPTH. Returns an error text or null. Recursive, which is safe because it never goes
 * below MAX_DEPTH + 1 frames (and several times faster than an explicit stack: it runs for every
 * ingested record).
 */
export function jsonShapeError(root: unknown): string | null {
  const walk = new ShapeWalk();
  return walk.check(root, 1) ? null : walk.error;
}

class ShapeWalk {
  error: string | null = null;
  private seen = 0;

  /** false (with `error` set) at the first problem. */
  check(v: unknown, depth: number): boolean {
    if (++this.seen > MAX_VALUES) return this.fail(`record holds more than ${MAX_VALUES} values`);
    switch (typeof v) {
      case 'string':
      case 'boolean':
      case 'undefined': // absent, as JSON.stringify treats it
        return true;
      case 'number':
        return Number.isFinite(v) || this.fail('record holds a number that is not finite (JSON overflow such as 1e400?)');
      case 'object': {
        if (v === null) return true;
        if (depth > MAX_DEPTH) return this.fail(`record nests deeper than ${MAX_DEPTH} levels`);
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) if (!this.check(v[i], depth + 1)) return false;
          return true;
        }
        if (!isPlainObject(v)) return this.fail(`record holds a non-JSON object (${v.constructor?.name ?? 'unknown'})`);
        const o = v as JsonObject;
        for (const k in o) if (!this.check(o[k], depth + 1)) return false;
        return true;
      }
      default:
        return this.fail(`record holds a non-JSON value of type ${typeof v}`);
    }
  }

  private fail(error: string): false {
    this.error = error;
    return false;
  }
}

/** obj[a][b]... (array indexes as '0') without throwing on missing or non-object links. */
export function pick(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as JsonObject)[key];
  }
  return cur;
}

function checkText(s: string, field: string, max: number): string {
  if (s.length > max) throw new RecordError(`${field} is longer than ${max} characters`);
  if (s.indexOf('\u0000') !== -1) throw new RecordError(`${field} contains a NUL byte`);
  return s;
}

/** An optional text field; numbers are accepted and written in decimal (ids, codes). */
export function optText(v: unknown, field: string, max = MAX_TEXT): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '' ? null : checkText(v, field, max);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new RecordError(`${field} must be a string, got ${describe(v)}`);
}

/** A text field that must be present and non-empty. */
export function reqText(v: unknown, field: string, max = MAX_TEXT): string {
  const s = optText(v, field, max);
  if (s === null) throw new RecordError(`${field} is missing`);
  return s;
}

/** A short human line: cut to MAX_MESSAGE characters; NUL bytes are a key-field error. */
export function messageText(v: unknown, field: string): string | null {
  if (typeof v !== 'string' || v === '') return null;
  if (v.indexOf('\u0000') !== -1) throw new RecordError(`${field} contains a NUL byte`);
  return v.length > MAX_MESSAGE ? v.slice(0, MAX_MESSAGE - 1) + '…' : v;
}

const DIGITS = /^\d{1,10}$/;

/** An optional bounded integer; digit strings are accepted (CEF, TSV and sloppy producers). */
export function optInt(v: unknown, field: string, min: number, max: number): number | null {
  if (v === undefined || v === null || v === '') return null;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && DIGITS.test(v)) n = Number(v);
  else throw new RecordError(`${field} must be an integer, got ${describe(v)}`);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RecordError(`${field} ${String(v).slice(0, 40)} is outside ${min}..${max}`);
  }
  return n;
}

export function optPort(v: unknown, field: string): number | null {
  return optInt(v, field, 0, 65535);
}

/** An optional IPv4/IPv6 address, lower-cased; empty and Zeek's unset '-' read as absent. */
export function optIp(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '' || v === '-') return null;
  if (typeof v !== 'string') throw new RecordError(`${field} must be an IP address string, got ${describe(v)}`);
  if (v.length > 64 || isIP(v) === 0) {
    throw new RecordError(`${field} ${JSON.stringify(v.slice(0, 64))} is not an IP address`);
  }
  return v.toLowerCase();
}

const IANA_PROTOCOLS: Record<number, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp' };

/** Transport protocol name, lower case; IANA numbers ("6", 17, "006") become names. */
export function optTransport(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' || (typeof v === 'string' && DIGITS.test(v))) {
    const n = optInt(v, field, 0, 255) as number;
    return IANA_PROTOCOLS[n] ?? String(n);
  }
  if (typeof v !== 'string') throw new RecordError(`${field} must be a protocol name or number, got ${describe(v)}`);
  return checkText(v, field, 32).toLowerCase();
}

/** Application protocol, lower case; Suricata's 'failed'/'unknown' mean "none detected". */
export function optAppProtocol(v: unknown, field: string): string | null {
  const s = optText(v, field, 64);
  if (s === null) return null;
  const lower = s.toLowerCase();
  return lower === 'failed' || lower === 'unknown' || lower === '-' ? null : lower;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number') return `number ${v}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
