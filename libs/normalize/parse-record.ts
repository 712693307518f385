// The public entry points. They never throw: every failure becomes { ok: false, error }, where the
// error names the format (when known) and what is wrong.
import { normalizeCefLine } from './cef-parser';
import { detectFormat } from './format-detection';
import { normalizeNativeEvent } from './native-event-parser';
import { SOURCE_FORMATS } from './normalized-event';
import type { NormalizedEvent, ParseOptions, ParseResult, SourceFormat } from './normalized-event';
import { normalizeOcsf } from './ocsf-parser';
import { JsonObject, RecordError, describe, isObject, jsonShapeError } from './record-fields';
import { normalizeSuricataEve } from './suricata-eve-parser';
import { MAX_TS_MS, MIN_TS_MS } from './timestamps';
import { normalizeZeekLog } from './zeek-log-parser';

type JsonNormalizer = (record: JsonObject, opts: ParseOptions) => NormalizedEvent;

const JSON_NORMALIZERS: Record<Exclude<SourceFormat, 'cef'>, JsonNormalizer> = {
  suricata: normalizeSuricataEve,
  zeek: normalizeZeekLog,
  ocsf: normalizeOcsf,
  native: normalizeNativeEvent,
};

/** Text of a caught value; never throws itself (String() of a prototype-less object would). */
function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unprintable error';
  }
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function optionsError(opts: ParseOptions): string | null {
  if (!isObject(opts)) return 'options must be an object';
  if (opts.format !== 'auto' && !SOURCE_FORMATS.includes(opts.format)) {
    return `options.format ${describe(opts.format)} is not auto, ${SOURCE_FORMATS.join(', ')}`;
  }
  const t = opts.receivedAt instanceof Date ? opts.receivedAt.getTime() : NaN;
  if (!(t >= MIN_TS_MS && t < MAX_TS_MS)) return 'options.receivedAt must be a valid Date between 1990 and 2099';
  if (opts.declaredLog !== undefined && typeof opts.declaredLog !== 'string') return 'options.declaredLog must be a string';
  for (const key of ['declaredLog', 'sensorProduct'] as const) {
    const v = opts[key];
    if (typeof v === 'string' && (v.length > 128 || v.includes('\u0000'))) return `options.${key} must be at most 128 characters without NUL bytes`;
  }
  if (opts.sensorProduct !== undefined && typeof opts.sensorProduct !== 'string') return 'options.sensorProduct must be a string';
  return null;
}

function normalizerFailure(format: SourceFormat, err: unknown): ParseResult {
  if (err instanceof RecordError) return fail(`${format}: ${err.message}`);
  // Not expected: the fuzz tests hunt for these. Still reported, never thrown.
  return fail(`${format}: internal parser error: ${errorText(err)}`);
}

function run(format: SourceFormat, parse: () => NormalizedEvent): ParseResult {
  try {
    return { ok: true, event: parse() };
  } catch (err) {
    return normalizerFailure(format, err);
  }
}

/**
 * parseRecord and parseTextLine for many records with the same options (one request body): the
 * options are checked once, not for every record. Never throws either: invalid options make every
 * record fail with the reason.
 */
export class RecordParser {
  private readonly optionsError: string | null;

  constructor(private readonly opts: ParseOptions) {
    let error: string | null;
    try {
      error = optionsError(opts);
    } catch (err) {
      error = `internal parser error: ${errorText(err)}`;
    }
    this.optionsError = error;
  }

  /** Normalizes one parsed JSON value (an object, or a string holding a CEF line). */
  record(record: unknown): ParseResult {
    if (this.optionsError !== null) return fail(this.optionsError);
    try {
      return this.checkedRecord(record);
    } catch (err) {
      return fail(`internal parser error: ${errorText(err)}`);
    }
  }

  /** Normalizes one text line: a CEF line (bare or after a syslog header) or one JSON record. */
  line(line: string): ParseResult {
    const opts = this.opts;
    try {
      if (typeof line !== 'string') return fail(`line is ${describe(line)}, not a string`);
      if (this.optionsError !== null) return fail(this.optionsError);
      let start = line.charCodeAt(0) === 0xfeff ? 1 : 0;
      while (start < line.length && (line[start] === ' ' || line[start] === '\t')) start++;
      if (start >= line.length || line.trim() === '') return fail('empty line');
      const first = line[start];

      if (opts.format === 'cef') return run('cef', () => normalizeCefLine(line.slice(start), opts));
      if (first === '{' || first === '[') {
        let value: unknown;
        try {
          value = JSON.parse(start === 0 ? line : line.slice(start));
        } catch (err) {
          return fail(`${opts.format === 'auto' ? 'json' : opts.format}: invalid JSON: ${errorText(err)}`);
        }
        if (Array.isArray(value)) return fail('a JSON array is not one record: send one record per line');
        return this.checkedRecord(value);
      }
      if (opts.format === 'auto' && line.includes('CEF:')) return run('cef', () => normalizeCefLine(line.slice(start), opts));
      if (opts.format === 'auto') return fail("line is neither a JSON object nor a CEF line (no 'CEF:' marker)");
      return fail(`${opts.format}: line is not a JSON object`);
    } catch (err) {
      return fail(`internal parser error: ${errorText(err)}`);
    }
  }

  private checkedRecord(record: unknown): ParseResult {
    const opts = this.opts;
    if (typeof record === 'string') {
      if (opts.format !== 'auto' && opts.format !== 'cef') return fail(`${opts.format}: record is a string, not a JSON object`);
      return run('cef', () => normalizeCefLine(record, opts));
    }
    if (!isObject(record)) return fail(`record is ${describe(record)}, not a JSON object`);
    const shapeError = jsonShapeError(record);
    if (shapeError !== null) return fail(shapeError);

    let format: SourceFormat | null = opts.format === 'auto' ? detectFormat(record) : opts.format;
    if (format === null && opts.declaredLog && record.ts !== undefined) format = 'zeek';
    if (format === null) {
      return fail('unknown format: the object has none of the markers of Suricata EVE (event_type), Zeek (_path, id.orig_h, ts+uid), OCSF (class_uid+metadata) or native (schema "watchfloor.event/v1")');
    }
    if (format === 'cef') return fail('cef: expects a CEF text line, got a JSON object');
    try {
      return { ok: true, event: JSON_NORMALIZERS[format](record, opts) };
    } catch (err) {
      return normalizerFailure(format, err);
    }
  }
}

/** Normalizes one parsed JSON value (an object, or a string holding a CEF line). */
export function parseRecord(record: unknown, opts: ParseOptions): ParseResult {
  return new RecordParser(opts).record(record);
}

/** Normalizes one text line: a CEF line (bare or after a syslog header) or one JSON record. */
export function parseTextLine(line: string, opts: ParseOptions): ParseResult {
  return new RecordParser(opts).line(line);
}

type FormatOptions = Omit<ParseOptions, 'format'>;

/** Per-format entry points: parseRecord with the format fixed. */
export function parseSuricataEve(record: unknown, opts: FormatOptions): ParseResult {
  return parseRecord(record, { ...opts, format: 'suricata' });
}
export function parseZeekLog(record: unknown, opts: FormatOptions): ParseResult {
  return parseRecord(record, { ...opts, format: 'zeek' });
}
