// Event rows in PostgreSQL's binary COPY format, for the batch's staging table (see
// event-writer.ts). Binary because every value is then length-prefixed bytes: nothing is
// escaped on our side, and Postgres reads uuid, timestamptz and integers without parsing text.
// Format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
import { restorableRawJson, type AssembledBatch, type EventRow, type RejectedLine } from './event-batch';

/** The staging table's columns, in the order writeRow writes them. */
export const STAGE_COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['id', 'uuid'], ['ts', 'timestamptz'], ['source_format', 'text'], ['source_product', 'text'], ['source_log', 'text'],
  ['event_class', 'text'], ['category', 'text'], ['severity', 'smallint'],
  // Addresses travel as text and are cast in the INSERT … SELECT: inet's binary form is not worth a second parser.
  ['src_ip', 'text'], ['src_port', 'integer'], ['dst_ip', 'text'], ['dst_port', 'integer'],
  ['transport', 'text'], ['app_protocol', 'text'], ['community_id', 'text'], ['signature', 'text'], ['signature_id', 'text'],
  ['attack_ids', 'text[]'], ['ot_protocol', 'text'], ['ot_function', 'text'], ['ot_function_code', 'integer'], ['ot_unit_id', 'integer'],
  ['ot_operation', 'text'], ['message', 'text'], ['raw', 'jsonb'],
];

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** 2000-01-01T00:00:00Z, Postgres' timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946684800000;
const TEXT_OID = 25;
const DEFAULT_CHUNK_BYTES = 256 * 1024;
const SHORT_TEXT_CHARS = 64;

/** Appends binary COPY fields to fixed-size chunks; a row never spans two chunks. */
class CopyChunkWriter {
  private buf: Buffer;
  private pos = 0;
  readonly full: Buffer[] = [];

  constructor(private readonly chunkBytes: number) {
    // allocUnsafeSlow: a buffer of its own (never a slice of the shared pool), so it can be transferred.
    this.buf = Buffer.allocUnsafeSlow(chunkBytes);
  }

  /** Make room for `bytes` more, flushing the current chunk first when they do not fit. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, bytes));
    this.pos = 0;
  }

  raw(bytes: Buffer): void {
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  int16(value: number): void {
    this.buf.writeInt16BE(value, this.pos);
    this.pos += 2;
  }

  int32(value: number): void {
    this.buf.writeInt32BE(value, this.pos);
    this.pos += 4;
  }

  null(): void {
    this.int32(-1);
  }

  text(value: string | null): void {
    if (value === null) return this.null();
    // Most fields are short ASCII (formats, addresses, protocols): copying their characters here
    // is cheaper than a call into the native UTF-8 encoder for each (measured: ≈ 1 µs a row).
    const n = value.length;
    if (n <= SHORT_TEXT_CHARS) {
      const buf = this.buf;
      const at = this.pos + 4;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        buf.writeInt32BE(n, this.pos);
        this.pos = at + n;
        return;
      }
    }
    const written = this.buf.write(value, this.pos + 4, 'utf8');
    this.buf.writeInt32BE(written, this.pos);
    this.pos += 4 + written;
  }

  /** jsonb's binary form is a version byte (1) followed by the JSON text. */
  jsonb(value: string): void {
    this.buf[this.pos + 4] = 1;
    const written = this.buf.write(value, this.pos + 5, 'utf8');
    this.buf.writeInt32BE(written + 1, this.pos);
    this.pos += 5 + written;
  }

  smallint(value: number): void {
    this.int32(2);
    this.int16(value);
  }

  integer(value: number | null): void {
    if (value === null) return this.null();
    this.int32(4);
    this.int32(value);
  }

  /** Microseconds since 2000-01-01 as a signed 64-bit integer (exact below 2^53: ±285 years). */
  timestamptz(ms: number): void {
    const micros = (ms - PG_EPOCH_MS) * 1000;
    const high = Math.floor(micros / 4294967296);
    this.int32(8);
    this.int32(high);
    this.buf.writeUInt32BE(micros - high * 4294967296, this.pos);
    this.pos += 4;
  }

  /** A canonical 8-4-4-4-12 hex uuid as its 16 bytes. */
  uuid(value: string): void {
    this.int32(16);
    let out = this.pos;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c === 45 /* - */) continue;
      const high = hexValue(c);
      const low = hexValue(value.charCodeAt(++i));
      this.buf[out++] = (high << 4) | low;
    }
    if (out !== this.pos + 16) throw new Error(`not a uuid: ${value.slice(0, 40)}`);
    this.pos = out;
  }

  /** A one-dimensional text[] without NULL elements. */
  textArray(values: string[] | null): void {
    if (values === null) return this.null();
    const lengthAt = this.pos;
    this.pos += 4;
    const start = this.pos;
    this.int32(1); // dimensions
    this.int32(0); // has nulls
    this.int32(TEXT_OID);
    this.int32(values.length);
    this.int32(1); // lower bound
    for (const value of values) this.text(value);
    this.buf.writeInt32BE(this.pos - start, lengthAt);
  }

  finish(): Buffer[] {
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    return this.full;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  throw new Error(`invalid hex digit in uuid: ${String.fromCharCode(c)}`);
}

/** Upper bound of a string's UTF-8 bytes (3 per UTF-16 unit covers surrogate pairs too). */
function maxBytes(value: string | null): number {
  return value === null ? 0 : value.length * 3;
}

const FIXED_ROW_BYTES = 2 + STAGE_COLUMNS.length * 4 + 16 + 8 + 2 + 5 * 4 + 1 + 20;

/** Bytes a row can take at most, so the writer reserves once per row. */
function rowBound(row: EventRow): number {
  let bytes = FIXED_ROW_BYTES;
  bytes += maxBytes(row.sourceFormat) + maxBytes(row.sourceProduct) + maxBytes(row.sourceLog) + maxBytes(row.eventClass) + maxBytes(row.category);
  bytes += maxBytes(row.srcIp) + maxBytes(row.dstIp) + maxBytes(row.transport) + maxBytes(row.appProtocol) + maxBytes(row.communityId);
  bytes += maxBytes(row.signature) + maxBytes(row.signatureId) + maxBytes(row.otProtocol) + maxBytes(row.otFunction) + maxBytes(row.otOperation);
  bytes += maxBytes(row.message) + maxBytes(row.rawJson);
  if (row.attackIds) for (const id of row.attackIds) bytes += 4 + maxBytes(id);
  return bytes;
}

/**
 * A batch ready for the write path: its rows as binary COPY chunks plus what the writer needs
 * to know about them without looking inside. Plain data (buffers, numbers, strings) so that it
 * crosses from a parse worker thread by transfer, without copying the rows.
 */
export interface EncodedBatch {
  copyChunks: Buffer[];
  /** Rows in copyChunks: unique by id. */
  rowCount: number;
  /** Rows stored at receivedAt because the record had no time: deduplicated by id on write. */
  receivedAtIds: string[];
  minTsMs: number | null;
  maxTsMs: number | null;
  /** Distinct UTC days of the rows (days since 1970-01-01), for partition creation. */
  dayNumbers: number[];
  duplicatesInBatch: number;
  rejected: RejectedLine[];
  rejectedCount: number;
  records: number;
  formats: string;
}

export interface EncodeOptions {
  /**
   * raw re-serialized from the parsed record instead of the line as received: the writer's
   * second attempt when Postgres refused a verbatim line (see restorableRawJson).
   */
  restorableRaw?: boolean;
  chunkBytes?: number;
}

/**
 * Encodes rows as they are accepted (a parse then keeps no row objects), collecting what
 * EncodedBatch reports about them.
 */
export class EventCopyEncoder {
  private readonly out: CopyChunkWriter;
  private rows = 0;
  private minTsMs: number | null = null;
  private maxTsMs: number | null = null;
  private readonly days = new Set<number>();
  private readonly receivedAtIds: string[] = [];

  constructor(private readonly options: EncodeOptions = {}) {
    this.out = new CopyChunkWriter(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.out.reserve(SIGNATURE.length + 8);
    this.out.raw(SIGNATURE);
    this.out.int32(0); // flags
    this.out.int32(0); // header extension length
  }

  add(row: EventRow): void {
    if (this.options.restorableRaw) row = { ...row, rawJson: restorableRawJson(row.rawJson) };
    const t = row.ts.getTime();
    if (this.minTsMs === null || t < this.minTsMs) this.minTsMs = t;
    if (this.maxTsMs === null || t > this.maxTsMs) this.maxTsMs = t;
    this.days.add(Math.floor(t / 86400000));
    if (!row.tsFromSource) this.receivedAtIds.push(row.id);
    writeRow(this.out, row);
    this.rows++;
  }

  finish(batch: Omit<AssembledBatch, 'rows'>): EncodedBatch {
    this.out.reserve(2);
    this.out.int16(-1); // trailer
    const chunks = this.out.finish();
    return {
      copyChunks: this.rows ? chunks : [],
      rowCount: this.rows,
      receivedAtIds: this.receivedAtIds,
      minTsMs: this.minTsMs,
      maxTsMs: this.maxTsMs,
      dayNumbers: [...this.days],
      duplicatesInBatch: batch.duplicatesInBatch,
      rejected: batch.rejected,
      rejectedCount: batch.rejectedCount,
      records: batch.records,
      formats: batch.formats,
    };
  }
}

/** An assembled batch (rows kept in memory) encoded at once. */
export function encodeBatch(batch: AssembledBatch, options: EncodeOptions = {}): EncodedBatch {
  const encoder = new EventCopyEncoder(options);
  for (const row of batch.rows) encoder.add(row);
  return encoder.finish(batch);
}

function writeRow(out: CopyChunkWriter, row: EventRow): void {
  out.reserve(rowBound(row));
  out.int16(STAGE_COLUMNS.length);
  out.uuid(row.id);
  out.timestamptz(row.ts.getTime());
  out.text(row.sourceFormat);
  out.text(row.sourceProduct);
  out.text(row.sourceLog);
  out.text(row.eventClass);
  out.text(row.category);
  out.smallint(row.severity);
  out.text(row.srcIp);
  out.integer(row.srcPort);
  out.text(row.dstIp);
  out.integer(row.dstPort);
  out.text(row.transport);
  out.text(row.appProtocol);
  out.text(row.communityId);
  out.text(row.signature);
  out.text(row.signatureId);
  out.textArray(row.attackIds);
  out.text(row.otProtocol);
  out.text(row.otFunction);
  out.integer(row.otFunctionCode);
  out.integer(row.otUnitId);
  out.text(row.otOperation);
  out.text(row.message);
  out.jsonb(row.rawJson);
}
