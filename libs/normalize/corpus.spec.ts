// Every real sensor file in the shared corpora parses. Files are read when the suite is collected
// so each test name carries its counts; large files are sampled with an even stride.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseRecord } from './parse-record';
import type { NormalizedEvent, ParseOptions } from './normalized-event';
import { SEVERITIES } from './normalized-event';
import { parseZeekTsv } from './zeek-tsv-reader';

const CORPORA = path.resolve(__dirname, '../..', '../shared/corpora');
const MAX_PER_FILE = 2000;
const RECEIVED_AT = new Date('2026-01-15T12:00:00Z');

function listFiles(dir: string, pattern: RegExp): string[] {
  const abs = path.join(CORPORA, dir);
  if (!fs.existsSync(abs)) throw new Error(`corpus folder missing: ${abs}`);
  return fs.readdirSync(abs).filter((f) => pattern.test(f)).sort().map((f) => path.join(abs, f));
}

function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

function sample<T>(items: T[]): T[] {
  if (items.length <= MAX_PER_FILE) return items;
  const stride = Math.ceil(items.length / MAX_PER_FILE);
  return items.filter((_, i) => i % stride === 0);
}

function jsonLines(file: string): { total: number; lines: string[] } {
  const all = readText(file).split('\n').filter((l) => l.trim() !== '');
  return { total: all.length, lines: sample(all) };
}

/** The invariants every parsed event must hold; returns what is wrong, or null. */
function invariantError(e: NormalizedEvent): string | null {
  if (Number.isNaN(e.ts.getTime())) return 'ts is not a valid date';
  if (!SEVERITIES.includes(e.severity)) return `severity ${e.severity}`;
  for (const port of [e.srcPort, e.dstPort]) {
    if (port !== null && !(Number.isInteger(port) && port >= 0 && port <= 65535)) return `port ${port}`;
  }
  if (typeof e.raw !== 'object' || e.raw === null) return 'raw is not an object';
  return null;
}

/** A field check: fails with a message naming the field and both values. */
function same(field: string, actual: unknown, expected: unknown): string | null {
  return actual === expected ? null : `${field}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

interface FileCase { name: string; total: number; lines: string[] }

function cases(dir: string, pattern: RegExp): FileCase[] {
  return listFiles(dir, pattern).map((file) => ({ name: path.relative(CORPORA, file), ...jsonLines(file) }));
}

const totals: Record<string, number> = {};

type Check = (record: Record<string, unknown>, e: NormalizedEvent) => Array<string | null>;

// Checks collect messages instead of calling expect() per record: thousands of expect() calls
// would dominate the run time.
function parseAll(c: FileCase, opts: ParseOptions, folder: string, check: Check): void {
  const failures: string[] = [];
  let ok = 0;
  c.lines.forEach((line, i) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    const result = parseRecord(record, opts);
    if (!result.ok) {
      failures.push(`#${i}: ${result.error}`);
      return;
    }
    const problems = [invariantError(result.event), ...check(record, result.event)].filter((p) => p !== null);
    if (problems.length > 0) failures.push(`#${i}: ${problems.join('; ')}`);
    else ok++;
  });
  expect(failures.slice(0, 5)).toEqual([]);
  expect(ok).toBe(c.lines.length);
  totals[folder] = (totals[folder] ?? 0) + ok;
}

describe('Suricata EVE corpora parse 100%', () => {
  const suricata = [
    ...cases('suricata/suricata-sample-data/_extracted', /\.ndjson$/),
    ...cases('suricata/suricata-verify/_extracted', /\.ndjson$/),
    ...cases('suricata/tenzir', /\.ndjson$/),
  ];
  it.each(suricata.map((c) => [`${c.name}: ${c.lines.length} of ${c.total} records`, c] as const))('%s', (_n, c) => {
    parseAll(c, { format: 'auto', receivedAt: RECEIVED_AT }, 'suricata', (record, e) => [
      same('sourceFormat', e.sourceFormat, 'suricata'),
      same('sourceLog', e.sourceLog, record.event_type),
      same('tsFromSource', e.tsFromSource, typeof record.timestamp === 'string'),
      same('srcIp', e.srcIp, typeof record.src_ip === 'string' ? record.src_ip.toLowerCase() : null),
      same('dstPort', e.dstPort, record.dest_port ?? null),
      ...(record.event_type === 'alert'
        ? [same('category', e.category, 'ids'), same('signature', e.signature, (record.alert as { signature?: string }).signature || null)]
        : []),
    ]);
  });
});

describe('Zeek JSON corpora (brimdata zed-sample-data) parse 100%', () => {
  const zeek = cases('zeek/brimdata-zed-sample-data/zeek-json', /\.json\.gz$/);
  it.each(zeek.map((c) => [`${c.name}: ${c.lines.length} of ${c.total} records`, c] as const))('%s', (_n, c) => {
    parseAll(c, { format: 'auto', receivedAt: RECEIVED_AT }, 'zeek', (record, e) => [
      same('sourceFormat', e.sourceFormat, 'zeek'),
      same('sourceLog', e.sourceLog, record._path),
      same('tsFromSource', e.tsFromSource, record.ts !== undefined),
      same('srcIp', e.srcIp, (record['id.orig_h'] as string | undefined) ?? (record._path === 'notice' ? e.srcIp : null)),
      same('dstPort', e.dstPort, (record['id.resp_p'] as number | undefined) ?? (record._path === 'notice' ? e.dstPort : null)),
      ...(record._path === 'modbus' ? [same('otProtocol', e.otProtocol, 'modbus'), e.otFunction === null ? 'otFunction is null' : null] : []),
    ]);
  });
});

// btest masks timestamps as XXXXXXXXXX.XXXXXX; they are replaced by one fixed stamp before reading.
const MASKED_TS = /XXXXXXXXXX\.XXXXXX/g;
const FIXED_TS = '1521911733.000000';

function tsvFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.log(\.gz)?$/.test(entry.name)) out.push(p);
    }
  };
  for (const dir of ['zeek/zeek-baselines', 'zeek/icsnpp-modbus', 'zeek/icsnpp-dnp3', 'zeek/icsnpp-enip', 'zeek/icsnpp-s7comm', 'zeek/brimdata-zed-sample-data/zeek-default']) {
    walk(path.join(CORPORA, dir));
  }
  return out.sort();
}

describe('Zeek TSV corpora read by parseZeekTsv parse 100%', () => {
  const files = tsvFiles().map((file) => {
    const text = readText(file).replace(MASKED_TS, FIXED_TS);
    return { name: path.relative(CORPORA, file), text, headerless: !text.includes('#fields') };
  });

  it.each(files.filter((f) => !f.headerless).map((f) => [f.name, f] as const))('%s', (_n, f) => {
    const read = parseZeekTsv(f.text);
    expect(read.errors).toEqual([]);
    expect(read.records.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const { line, record } of sample(read.records)) {
      const result = parseRecord(record, { format: 'zeek', receivedAt: RECEIVED_AT });
      if (!result.ok) failures.push(`line ${line}: ${result.error}`);
      else {
        const problem = invariantError(result.event) ?? same('sourceLog', result.event.sourceLog, record._path);
        if (problem !== null) failures.push(`line ${line}: ${problem}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    totals.zeekTsv = (totals.zeekTsv ?? 0) + read.records.length;
  });

  // zeek-cut style baselines (icsnpp-enip, icsnpp-modbus modbus.log) carry no #fields header:
  // the reader must say so rather than guess column names...
  it.each(files.filter((f) => f.headerless).map((f) => [f.name, f] as const))('headerless %s is reported, not guessed', (_n, f) => {
    const read = parseZeekTsv(f.text);
    expect(read.records).toEqual([]);
    expect(read.errors.length).toBeGreaterThan(0);
    expect(read.errors[0].error).toBe('data line before any #fields header');
  });

  // ...and reads them when the sensor declares the layout. Field lists: the ICSNPP ENIP README
  // ("Fields Captured", cisagov/icsnpp-enip) and Zeek's older modbus.log columns.
  const ID = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p'];
  const ID_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port'];
  const SRC_DST = ['is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p'];
  const SRC_DST_TYPES = ['bool', 'addr', 'port', 'addr', 'port'];
  const LAYOUTS: Record<string, { path: string; fields: string[]; types: string[] }> = {
    'enip.log': { path: 'enip', fields: [...ID, ...SRC_DST, 'enip_command_code', 'enip_command', 'length', 'session_handle', 'enip_status', 'sender_context', 'options'], types: [...ID_TYPES, ...SRC_DST_TYPES, 'string', 'string', 'count', 'string', 'string', 'string', 'string'] },
    'cip.log': { path: 'cip', fields: [...ID, ...SRC_DST, 'cip_sequence_count', 'direction', 'cip_service_code', 'cip_service', 'cip_status_code', 'cip_status', 'cip_extended_status_code', 'cip_extended_status', 'class_id', 'class_name', 'instance_id', 'attribute_id'], types: [...ID_TYPES, ...SRC_DST_TYPES, 'count', ...Array<string>(11).fill('string')] },
    'cip_io.log': { path: 'cip_io', fields: [...ID, ...SRC_DST, 'connection_id', 'sequence_number', 'data_length', 'io_data'], types: [...ID_TYPES, ...SRC_DST_TYPES, 'string', 'count', 'count', 'string'] },
    'cip_identity.log': { path: 'cip_identity', fields: [...ID, ...SRC_DST, 'encapsulation_version', 'socket_address', 'socket_port', 'vendor_id', 'vendor_name', 'device_type_id', 'device_type_name', 'product_code', 'revision', 'device_status', 'serial_number', 'product_name', 'device_state'], types: [...ID_TYPES, ...SRC_DST_TYPES, 'count', 'addr', 'count', 'count', 'string', 'count', 'string', 'count', 'string', 'string', 'string', 'string', 'string'] },
    'modbus.log': { path: 'modbus', fields: [...ID, 'func', 'exception'], types: [...ID_TYPES, 'string', 'string'] },
  };
  it.each(files.filter((f) => f.headerless).map((f) => [f.name, f] as const))('headerless %s with a declared layout parses 100%%', (_n, f) => {
    const layout = LAYOUTS[path.basename(f.name)];
    const read = parseZeekTsv(f.text, layout);
    expect(read.errors).toEqual([]);
    const failures: string[] = [];
    const operations = new Set<string | null>();
    for (const { line, record } of read.records) {
      const result = parseRecord(record, { format: 'zeek', receivedAt: RECEIVED_AT });
      if (!result.ok) failures.push(`line ${line}: ${result.error}`);
      else {
        const problem = invariantError(result.event) ?? same('otProtocol', result.event.otProtocol, layout.path === 'modbus' ? 'modbus' : 'enip');
        if (problem !== null) failures.push(`line ${line}: ${problem}`);
        operations.add(result.event.otOperation);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    if (layout.path === 'cip' && f.name.includes('set_attr_single')) expect([...operations]).toEqual(['write']);
    totals.zeekTsv = (totals.zeekTsv ?? 0) + read.records.length;
  });
});

afterAll(() => {
  // Visible with --verbose; the per-file counts are in the test names.
  process.stdout.write(`corpus records parsed: ${JSON.stringify(totals)}\n`);
});
