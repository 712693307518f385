// Property tests with hostile input: the entry points never throw, failures carry a reason, and
// every accepted event holds the invariants the ingest relies on. ~14,800 generated inputs per run.
import fc from 'fast-check';
import { eventFingerprint } from './event-fingerprint';
import { EVENT_CLASSES, OT_OPERATIONS, SEVERITIES, SOURCE_FORMATS } from './normalized-event';
import type { ParseOptions, ParseResult, SourceFormat } from './normalized-event';
import { parseRecord, parseTextLine } from './parse-record';
import { MAX_TS_MS, MIN_TS_MS } from './timestamps';

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;
const TEXT_FIELDS = ['sourceProduct', 'sourceLog', 'eventClass', 'category', 'srcIp', 'dstIp', 'transport', 'appProtocol', 'communityId', 'signature', 'signatureId', 'otProtocol', 'otFunction', 'message', 'sensorEventId'] as const;

/** Returns what is wrong with a result, or null when it is a well-formed ok/error. */
function resultProblem(result: ParseResult): string | null {
  if (typeof result !== 'object' || result === null) return 'result is not an object';
  if (result.ok === false) {
    if (typeof result.error !== 'string' || result.error.length === 0) return 'empty error';
    if (result.error.includes('internal parser error')) return result.error;
    return null;
  }
  if (result.ok !== true) return 'ok is not a boolean';
  const e = result.event;
  const t = e.ts instanceof Date ? e.ts.getTime() : NaN;
  if (!(t >= MIN_TS_MS && t < MAX_TS_MS)) return `ts ${String(e.ts)}`;
  if (typeof e.tsFromSource !== 'boolean') return 'tsFromSource';
  if (!SOURCE_FORMATS.includes(e.sourceFormat)) return `sourceFormat ${e.sourceFormat}`;
  if (!SEVERITIES.includes(e.severity)) return `severity ${String(e.severity)}`;
  for (const port of [e.srcPort, e.dstPort]) {
    if (port !== null && !(Number.isInteger(port) && port >= 0 && port <= 65535)) return `port ${String(port)}`;
  }
  for (const n of [e.otFunctionCode, e.otUnitId]) {
    if (n !== null && !(Number.isInteger(n) && n >= 0 && n <= 65535)) return `ot number ${String(n)}`;
  }
  if (e.otOperation !== null && !OT_OPERATIONS.includes(e.otOperation)) return `otOperation ${String(e.otOperation)}`;
  if (e.sourceFormat !== 'native' && !(EVENT_CLASSES as readonly string[]).includes(e.eventClass)) return `eventClass ${e.eventClass}`;
  if (!Array.isArray(e.attackIds) || !e.attackIds.every((id) => TECHNIQUE.test(id))) return `attackIds ${JSON.stringify(e.attackIds)}`;
  if (new Set(e.attackIds).size !== e.attackIds.length) return 'attackIds has duplicates';
  for (const f of TEXT_FIELDS) {
    const v = e[f];
    if (v !== null && (typeof v !== 'string' || v.includes('\u0000'))) return `${f} ${JSON.stringify(v)}`;
  }
  if (typeof e.raw !== 'object' || e.raw === null || Array.isArray(e.raw)) return 'raw is not an object';
  if (!/^[0-9a-f]{32}$/.test(eventFingerprint('sensor-1', e))) return 'fingerprint';
  return null;
}

function neverThrows(run: () => ParseResult): boolean {
  let result: ParseResult;
  try {
    result = run();
  } catch (err) {
    throw new Error(`threw: ${String(err)}`);
  }
  const problem = resultProblem(result);
  if (problem !== null) throw new Error(problem);
  return true;
}

const formatArb: fc.Arbitrary<SourceFormat | 'auto'> = fc.constantFrom('auto', 'auto', 'suricata', 'zeek', 'cef', 'ocsf', 'native');
const optsArb: fc.Arbitrary<ParseOptions> = fc.record({
  format: formatArb,
  receivedAt: fc.date({ min: new Date('1995-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
  declaredLog: fc.option(fc.constantFrom('conn', 'dns', 'modbus', 'notice', 'Bad Log', '', '__proto__'), { nil: undefined }),
  sensorProduct: fc.option(fc.constantFrom('acme', 'Acme OT', '', 'x\u0000y'), { nil: undefined }),
});

/** Values that break naive code: wrong types, huge and odd numbers, NULs, prototype keys, lone surrogates. */
const hostileScalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 65535, 65536, 1e308, -1e308, 2 ** 53 + 1, 1e12, 1.5, Number.MAX_SAFE_INTEGER, NaN, Infinity),
  fc.constantFrom('', ' ', '-', '(empty)', 'constructor', '__proto__', 'toString', 'null', '\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\\', '\\|', '\\=', '|', '='),
  fc.constantFrom('2017-03-24T17:39:12.123456+0000', '2018-03-24T17:15:20.6Z', '1521911720.600725', '9999-12-31T23:59:59Z', '2017-02-29T00:00:00Z', 'XXXXXXXXXX.XXXXXX'),
  fc.constantFrom('10.0.0.1', '::1', 'fe80::1%eth0', '999.1.1.1', '10.0.0.1 ', 'T0855', 'attack.t0855', 'TA0001'),
  fc.boolean(),
  fc.constant(null),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, hostileScalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 })),
})).value;

function shaped(keys: string[], fixed: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) fields[k] = hostileValue;
  return fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.subarray(Object.keys(fixed))).map(([random, keep]) => {
    const out: Record<string, unknown> = { ...random };
    for (const k of keep) out[k] = fixed[k];
    return out;
  });
}

const eveLike = shaped(
  ['timestamp', 'event_type', 'src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'app_proto', 'community_id', 'alert', 'modbus', 'dnp3', 'enip', 'dns', 'http', 'tls', 'anomaly', 'fileinfo'],
  { event_type: 'alert', timestamp: '2017-03-24T17:39:12.123456+0000', alert: { signature: 'x', signature_id: 1, severity: 1, metadata: { mitre_technique_id: ['T0855'] } }, modbus: { request: { function_raw: 16, unit_id: 1 } } },
);
const zeekLike = shaped(
  ['_path', 'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'id', 'proto', 'service', 'note', 'msg', 'src', 'dst', 'p', 'name', 'addl', 'func', 'unit', 'fc_request', 'fc_reply', 'function_code', 'function_name', 'subfunction_name', 'cip_service', 'cip_service_code', 'enip_command', 'enip_command_code'],
  { _path: 'modbus', ts: 1521911720.5, uid: 'C1', 'id.orig_h': '10.0.0.1' },
);
const ocsfLike = shaped(
  ['class_uid', 'class_name', 'time', 'time_dt', 'severity_id', 'severity', 'metadata', 'src_endpoint', 'dst_endpoint', 'connection_info', 'finding_info', 'finding', 'attacks', 'message', 'app_name'],
  { class_uid: 2004, metadata: { uid: 'u1', product: { name: 'P' } }, time: 1718280000000 },
);
const nativeLike = shaped(
  ['schema', 'id', 'ts', 'product', 'sourceProduct', 'sourceLog', 'eventClass', 'category', 'severity', 'srcIp', 'srcPort', 'dstIp', 'dstPort', 'transport', 'appProtocol', 'signature', 'signatureId', 'attackIds', 'tags', 'otProtocol', 'otFunction', 'otFunctionCode', 'otUnitId', 'otOperation', 'message'],
  { schema: 'watchfloor.event/v1', product: 'acme', eventClass: 'alert', severity: 'HIGH' },
);

const SAMPLE_LINES = [
  '{"timestamp":"2018-03-24T14:37:19.037299-0600","event_type":"alert","src_ip":"0.0.0.0","src_port":26078,"dest_ip":"10.47.8.150","dest_port":22,"proto":"TCP","alert":{"signature_id":2001219,"signature":"ET SCAN Potential SSH Scan","severity":2,"metadata":{"mitre_technique_id":["T1046"]}}}',
  '{"_path":"modbus","ts":"2018-03-24T17:15:33.511226Z","uid":"CYmWSL3iXSKUncv8Zg","id.orig_h":"10.128.0.242","id.orig_p":56952,"id.resp_h":"10.47.8.54","id.resp_p":502,"unit":34,"func":"WRITE_SINGLE_COIL"}',
  '{"class_uid":2004,"time":1718280000123,"severity_id":4,"metadata":{"uid":"x","product":{"name":"P"}},"finding_info":{"title":"t","attacks":[{"technique":{"uid":"T0855"}}]}}',
  '{"schema":"watchfloor.event/v1","product":"acme","eventClass":"alert","severity":"HIGH","srcPort":1}',
  '<134>Jun 13 12:00:05 fw01 CEF:0|Fortinet|FortiGate|7.2|13|close \\| x|3|src=192.168.1.10 dst=10.20.0.10 spt=50000 dpt=502 proto=6 rt=1718280000123 cs1Label=mitre cs1=T0855 msg=a\\=b\\\\c\\n',
  '<165>1 2024-06-13T12:00:07.250+02:00 host app - ID [x y="z"] CEF:1|Nozomi|N2OS|22|S|Name|Very-High|app=s7comm dst=::1',
];

const CEF_PIECES = ['CEF:0|', 'CEF:1|', 'CEF:', '|', '\\|', '\\\\', '\\', '=', '\\=', ' ', '  ', 'src=', 'dst=', 'spt=', 'dpt=', 'rt=', 'start=', 'proto=', 'cs1Label=', 'cs1=',
  'externalId=', 'name=', '__proto__=', 'a', 'T0855', 'Jun 13 12:00:00', '1718280000123', '10.0.0.1', '70000', '\\n', '\n', '\r', '\u0000', 'Very-High', '11', '<134>', '<999>', 'Feb 30 ', '1 ', '- '];

describe('fuzzing the public entry points', () => {
  it('arbitrary JSON values through parseRecord (3000 runs)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), optsArb, (v, opts) => neverThrows(() => parseRecord(v, opts))), { numRuns: 3000 });
  });

  it('records shaped like EVE, Zeek, OCSF and native with wrong field types (4 × 1500 runs)', () => {
    for (const arb of [eveLike, zeekLike, ocsfLike, nativeLike]) {
      fc.assert(fc.property(arb, optsArb, (record, opts) => {
        neverThrows(() => parseRecord(record, opts));
        // The same record as JSON text through the line entry point (NaN/Infinity become null there).
        return neverThrows(() => parseTextLine(JSON.stringify(record), opts));
      }), { numRuns: 1500 });
    }
  });

  it('truncated and spliced sample lines (2000 runs)', () => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLE_LINES), fc.nat(), fc.nat(), fc.string({ maxLength: 6 }), optsArb, (line, a, b, insert, opts) => {
      const cut = a % (line.length + 1);
      neverThrows(() => parseTextLine(line.slice(0, cut), opts));
      const at = b % (line.length + 1);
      return neverThrows(() => parseTextLine(line.slice(0, at) + insert + line.slice(at), opts));
    }), { numRuns: 2000 });
  });

  it('invalid UTF-8 byte sequences decoded lossily, bare and behind format prefixes (1500 runs)', () => {
    const prefixes = ['', '{"event_type":"', 'CEF:0|', '<13>Jan  1 00:00:00 h CEF:0|a|b|c|d|e|5|src=', '{"_path":"conn","ts":'];
    fc.assert(fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 64 }), optsArb, (prefix, bytes, opts) =>
      neverThrows(() => parseTextLine(prefix + Buffer.from(bytes).toString('utf8'), opts))), { numRuns: 1500 });
  });

  it('CEF lines assembled from escapes, pipes, keys and NULs (2000 runs)', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...CEF_PIECES), { maxLength: 40 }), optsArb, (pieces, opts) => {
      const line = pieces.join('');
      neverThrows(() => parseTextLine(line, opts));
      return neverThrows(() => parseTextLine('CEF:0|v|p|1|sig|name|5|' + line, { ...opts, format: 'cef' }));
    }), { numRuns: 2000 });
  });

  it('deep nesting, in objects and as JSON text, is rejected past 32 levels without overflow (300 runs)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.boolean(), optsArb, (depth, arrays, opts) => {
      let inner: unknown = 1;
      for (let i = 0; i < depth; i++) inner = arrays ? [inner] : { a: inner };
      const record = { event_type: 'flow', nested: inner };
      const result = parseRecord(record, { ...opts, format: 'auto' });
      neverThrows(() => result);
      if (depth + 1 > 32 && result.ok) throw new Error(`depth ${depth + 1} accepted`);
      const text = '{"event_type":"flow","n":' + (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) + '}';
      return neverThrows(() => parseTextLine(text, { ...opts, format: 'auto' }));
    }), { numRuns: 300 });
  });

  it('values that are not JSON are refused with a reason (non-plain objects, functions, bigint, cycles)', () => {
    const cyclic: Record<string, unknown> = { event_type: 'flow' };
    cyclic.self = cyclic;
    const cases: unknown[] = [new Date(), () => 1, 10n, Symbol('s'), cyclic, { event_type: 'flow', d: new Date() }, { event_type: 'flow', m: new Map() }, { event_type: 'flow', f: () => 1 }, { event_type: 'flow', b: 1n }, Object.create({ event_type: 'alert' })];
    for (const c of cases) {
      const result = parseRecord(c, { format: 'auto', receivedAt: new Date('2026-01-15T12:00:00Z') });
      expect(result.ok).toBe(false);
      expect(resultProblem(result)).toBeNull();
    }
  });

  it('bad options are refused, not thrown', () => {
    const bad: unknown[] = [null, {}, { format: 'auto' }, { format: 'xml', receivedAt: new Date() }, { format: 'auto', receivedAt: new Date(NaN) }, { format: 'auto', receivedAt: '2026-01-01' }, { format: 'auto', receivedAt: new Date(0) }];
    for (const opts of bad) {
      const r1 = parseRecord({ event_type: 'flow' }, opts as ParseOptions);
      const r2 = parseTextLine('{"event_type":"flow"}', opts as ParseOptions);
      expect([r1.ok, r2.ok]).toEqual([false, false]);
      expect([resultProblem(r1), resultProblem(r2)]).toEqual([null, null]);
    }
  });

  // ~1 MB lines (the ingest's line limit) shaped to trigger quadratic paths; each must finish quickly.
  it.each([
    ['CEF extension of a= pairs without spaces', () => 'CEF:0|a|b|c|d|e|5|' + 'a='.repeat(500_000)],
    ['CEF extension with long keys', () => 'CEF:0|a|b|c|d|e|5|' + ('k'.repeat(200) + '= ').repeat(4_000)],
    ['CEF line ending in a long run of newlines', () => 'CEF:0|a|b|c|d|e|5|src=10.0.0.1' + '\n'.repeat(1_000_000)],
    ['syslog prefix of spaces', () => '<13>Jan' + ' '.repeat(1_000_000) + 'CEF:0|a|b|c|d|e|5|'],
    ['100k distinct ATT&CK ids', () => JSON.stringify({ event_type: 'alert', alert: { metadata: { mitre_technique_id: Array.from({ length: 100_000 }, (_, i) => `T${String(i % 10_000).padStart(4, '0')}.${String(Math.floor(i / 10_000)).padStart(3, '0')}`) } } })],
    ['object with 60k keys', () => JSON.stringify({ event_type: 'flow', ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])) })],
    ['500k nested arrays', () => '{"event_type":"flow","n":' + '['.repeat(500_000) + ']'.repeat(500_000) + '}'],
  ])('%s stays fast', (_name, make) => {
    const line = make();
    const started = process.hrtime.bigint();
    const result = parseTextLine(line, { format: 'auto', receivedAt: new Date('2026-01-15T12:00:00Z') });
    if (result.ok) eventFingerprint('s', result.event);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(resultProblem(result)).toBeNull();
    expect(ms).toBeLessThan(1500);
  });
});
