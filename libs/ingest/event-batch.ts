// Pure: turns parsed records into rows for the events table, with in-batch deduplication and
// per-line rejections. No database, no clock (receivedAt comes in through the parse options).
import net from 'node:net';
import { eventId, RecordParser, SEVERITIES } from '@watchfloor/normalize';
import type { NormalizedEvent, ParseOptions, ParseResult, Severity } from '@watchfloor/normalize';
import { IngestError } from './ingest.errors';

/** events.severity is a smallint: the severity's position in SEVERITIES (INFO 0 … CRITICAL 4). */
const SEVERITY_RANK = new Map(SEVERITIES.map((s, rank) => [s, rank]));

/** A rejected record: its 1-based physical line (JSON arrays: element index + 1) and why. */
export interface RejectedLine {
  line: number;
  error: string;
}

/** One event as it will be stored (normalized columns, raw as JSON text). */
export interface EventRow {
  id: string;
  ts: Date;
  tsFromSource: boolean;
  sourceFormat: string;
  sourceProduct: string;
  sourceLog: string;
  eventClass: string;
  category: string | null;
  severity: number;
  srcIp: string | null;
  srcPort: number | null;
  dstIp: string | null;
  dstPort: number | null;
  transport: string | null;
  appProtocol: string | null;
  communityId: string | null;
  signature: string | null;
  signatureId: string | null;
  attackIds: string[] | null;
  otProtocol: string | null;
  otFunction: string | null;
  otFunctionCode: number | null;
  otUnitId: number | null;
  otOperation: string | null;
  message: string | null;
  rawJson: string;
}

export interface AssembledBatch {
  /** Unique by id, in the order first seen (the writer inserts them in id order). */
  rows: EventRow[];
  /** Records that repeated an earlier record of the same batch. */
  duplicatesInBatch: number;
  /** First MAX_REPORTED_REJECTIONS rejections. */
  rejected: RejectedLine[];
  rejectedCount: number;
  /** Non-blank records seen (accepted, duplicate or rejected). */
  records: number;
  /** The source formats seen, e.g. "suricata" or "suricata,zeek". */
  formats: string;
}

export const MAX_REPORTED_REJECTIONS = 1000;
const MAX_ERROR_CHARS = 300;

/**
 * Collects one batch. addLine/addRecord throw IngestError too_many_events when the batch passes
 * maxEvents records; every other problem of a record becomes a rejection of its line.
 */
export class EventBatchAssembler {
  private readonly byId = new Map<string, EventRow>();
  /** Ids seen, when rows go to onRow instead of byId. */
  private readonly ids = new Set<string>();
  private readonly rejected: RejectedLine[] = [];
  private readonly formats = new Set<string>();
  private rejectedCount = 0;
  private duplicates = 0;
  private records = 0;
  private readonly parser: RecordParser;

  constructor(
    private readonly sensorId: string,
    parseOptions: ParseOptions,
    private readonly maxEvents: number,
    /** Takes each new row as it is accepted; the assembler then keeps only the ids (finish() has no rows). */
    private readonly onRow?: (row: EventRow) => void,
  ) {
    this.parser = new RecordParser(parseOptions);
  }

  /** A text line (NDJSON, CEF or syslog-wrapped CEF); blank lines are skipped, not rejected. */
  addLine(lineNo: number, text: string): void {
    if (isBlank(text)) return;
    this.countRecord();
    this.take(lineNo, this.parser.line(text), text);
  }

  /** An already parsed JSON value (an element of a JSON array body, or the body's one object). */
  addRecord(lineNo: number, value: unknown): void {
    this.countRecord();
    this.take(lineNo, this.parser.record(value));
  }

  reject(lineNo: number, error: string): void {
    this.rejectedCount++;
    if (this.rejected.length < MAX_REPORTED_REJECTIONS) {
      this.rejected.push({ line: lineNo, error: error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error });
    }
  }

  finish(): AssembledBatch {
    return {
      rows: [...this.byId.values()],
      duplicatesInBatch: this.duplicates,
      rejected: this.rejected,
      rejectedCount: this.rejectedCount,
      records: this.records,
      formats: [...this.formats].sort().join(','),
    };
  }

  private countRecord(): void {
    this.records++;
    if (this.records > this.maxEvents) {
      throw new IngestError('too_many_events', `the batch has more than ${this.maxEvents} events`, { limitEvents: this.maxEvents });
    }
  }

  private take(lineNo: number, result: ParseResult, sourceText?: string): void {
    if (!result.ok) return this.reject(lineNo, result.error);
    const row = toEventRow(this.sensorId, result.event, sourceText);
    if (typeof row === 'string') return this.reject(lineNo, row);
    if (this.onRow) {
      if (this.ids.has(row.id)) {
        this.duplicates++;
        return;
      }
      this.ids.add(row.id);
      this.onRow(row);
    } else {
      if (this.byId.has(row.id)) {
        this.duplicates++;
        return;
      }
      this.byId.set(row.id, row);
    }
    this.formats.add(row.sourceFormat);
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

/**
 * The stored form of a normalized event, or an error string. Values Postgres would refuse (NUL
 * characters, unpaired surrogates in jsonb, malformed addresses, out-of-range integers) are
 * neutralised here so that one odd record can never fail the whole batch's INSERT.
 *
 * `sourceText` is the line the event was parsed from, when it came from one: the id is then the
 * hash of that line (see eventFingerprint), and a JSON line is stored as `raw` as it was received
 * instead of being serialized again (see rawJsonOf).
 */
export function toEventRow(sensorId: string, event: NormalizedEvent, sourceText?: string): EventRow | string {
  const time = event.ts instanceof Date ? event.ts.getTime() : NaN;
  if (!Number.isFinite(time)) return 'the event has no valid timestamp';
  const line = typeof sourceText === 'string' ? sourceText.trim() : undefined;
  let id: string;
  try {
    id = eventId(sensorId, event, line);
  } catch (err) {
    return `cannot fingerprint the event: ${(err as Error).message}`;
  }
  return {
    id,
    ts: event.ts,
    tsFromSource: event.tsFromSource === true,
    sourceFormat: text(event.sourceFormat) ?? 'unknown',
    sourceProduct: text(event.sourceProduct) ?? 'unknown',
    sourceLog: text(event.sourceLog) ?? 'unknown',
    eventClass: text(event.eventClass) ?? 'other',
    category: text(event.category),
    severity: SEVERITY_RANK.get(event.severity) ?? 0,
    srcIp: ip(event.srcIp),
    srcPort: port(event.srcPort),
    dstIp: ip(event.dstIp),
    dstPort: port(event.dstPort),
    transport: text(event.transport),
    appProtocol: text(event.appProtocol),
    communityId: text(event.communityId),
    signature: text(event.signature),
    signatureId: text(event.signatureId),
    attackIds: Array.isArray(event.attackIds) && event.attackIds.length ? event.attackIds.map((a) => text(a) ?? '') : null,
    otProtocol: text(event.otProtocol),
    otFunction: text(event.otFunction),
    otFunctionCode: int32(event.otFunctionCode),
    otUnitId: int32(event.otUnitId),
    otOperation: text(event.otOperation),
    message: text(event.message),
    rawJson: rawJsonOf(event, line),
  };
}

/**
 * The JSON text stored as `raw`. A JSON line whose object became `raw` unchanged (every format
 * but CEF keeps the parsed record itself) is that line: jsonb reads it into the same value
 * (duplicate keys: the last wins in both), so serializing the parsed object again is wasted work.
 * Escapes jsonb refuses (\u0000, unpaired surrogates) send it through storableJson. Numbers
 * jsonb cannot hold although JavaScript can (an exponent beyond ±16383, which JavaScript reads as
 * 0) fail the INSERT instead; the writer then stores the batch again through storableJson
 * (restorableRawJson).
 */
function rawJsonOf(event: NormalizedEvent, line: string | undefined): string {
  if (line !== undefined && event.sourceFormat !== 'cef' && line.charCodeAt(0) === 123 /* { */ && !hasRefusedEscape(line)) return line;
  return storableJson(event.raw ?? {});
}

const REFUSED_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** A \u0000 or a surrogate escape (a paired one too: rare, so it simply takes the slow path). */
function hasRefusedEscape(text: string): boolean {
  return text.includes('\\u') && REFUSED_ESCAPE.test(text);
}

/** raw as storableJson writes it, from the JSON text a row holds (the writer's fallback). */
export function restorableRawJson(rawJson: string): string {
  return storableJson(JSON.parse(rawJson));
}

const NUL = /\0/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function text(value: unknown): string | null {
  if (typeof value !== 'string') return value === null || value === undefined ? null : text(String(value));
  return value.includes('\0') ? value.replace(NUL, '\uFFFD') : value;
}

function ip(value: unknown): string | null {
  return typeof value === 'string' && !value.includes('%') && net.isIP(value) !== 0 ? value : null;
}

function port(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : null;
}

function int32(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 ? value : null;
}

/**
 * JSON text jsonb accepts. JSON.stringify escapes NUL as \u0000 and unpaired surrogates as
 * \udXXX, both of which jsonb refuses: when either may be present, the strings (and keys) are
 * rewritten with U+FFFD. The check is a cheap substring test; a false alarm only costs the walk.
 */
export function storableJson(raw: unknown): string {
  const json = JSON.stringify(raw);
  if (!json.includes('\\u0000') && !json.includes('\\ud')) return json;
  return JSON.stringify(clean(raw));
}

function cleanString(s: string): string {
  return s.replace(NUL, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') {
    // A null-prototype object, so that a "__proto__" key stays a plain key.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[cleanString(k)] = clean(v);
    return out;
  }
  return value;
}
