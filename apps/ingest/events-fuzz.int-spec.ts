import zlib from 'node:zlib';
import fc from 'fast-check';
import { eveAlert, startTestIngest, type TestIngest } from './ingest-test-app';

let k: TestIngest;

beforeAll(async () => {
  k = await startTestIngest({ INGEST_MAX_BODY_BYTES: '65536', INGEST_MAX_LINE_BYTES: '8192', INGEST_MAX_EVENTS_PER_BATCH: '50' });
});
afterAll(() => k.close());

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\u0000b', '%00', '\\u0000', '::ffff:10.0.0.1%eth0', '999.1.1.1', '10.0.0.1/8', '', ' ', '\n', '{}', '[]', 'NaN', '-1', '1e309', '__proto__', "'; DROP TABLE events; --"),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 65536, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e21, 0.5, true, false, null),
  fc.jsonValue({ maxDepth: 3 }),
);
const EVE_KEYS = ['timestamp', 'src_ip', 'dest_ip', 'src_port', 'dest_port', 'proto', 'event_type', 'alert', 'flow_id', 'app_proto', 'modbus', 'dnp3', 'community_id', 'payload_printable'];
const mutatedEve = fc
  .tuple(fc.nat(1_000_000), fc.dictionary(fc.constantFrom(...EVE_KEYS), hostileValue, { maxKeys: 4 }), fc.boolean())
  .map(([n, overrides, alertOverride]) => {
    const base = { ...eveAlert(n), ...overrides } as Record<string, unknown>;
    if (alertOverride) base.alert = { signature_id: overrides.flow_id ?? n, signature: overrides.src_ip ?? 'x', severity: overrides.dest_port ?? 2 };
    return JSON.stringify(base);
  });
const mutatedZeek = fc.tuple(fc.nat(1_000_000), fc.dictionary(fc.constantFrom('ts', '_path', 'id.orig_h', 'id.resp_p', 'uid', 'func', 'unit_id', 'exception'), hostileValue, { maxKeys: 4 })).map(([n, o]) =>
  JSON.stringify({ _path: 'modbus', ts: Date.now() / 1000 - n, uid: `C${n}`, 'id.orig_h': '10.10.0.5', 'id.orig_p': 50000, 'id.resp_h': '10.30.0.11', 'id.resp_p': 502, func: 'WRITE_SINGLE_REGISTER', ...o }),
);
const cefish = fc.tuple(fc.array(hostileString, { maxLength: 8 }), fc.dictionary(fc.constantFrom('src', 'dst', 'spt', 'dpt', 'rt', 'act', 'msg', 'cs1'), hostileString, { maxKeys: 5 })).map(
  ([header, ext]) => `CEF:0|${header.join('|')}|${Object.entries(ext).map(([key, v]) => `${key}=${v}`).join(' ')}`,
);
const deepJson = fc.integer({ min: 50, max: 3000 }).map((d) => `{"event_type":"alert","x":${'['.repeat(d)}${']'.repeat(d)}}`);
const line = fc.oneof(mutatedEve, mutatedEve, mutatedZeek, cefish, deepJson, fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'));

const body = fc.oneof(
  fc.array(line, { minLength: 0, maxLength: 12 }).map((ls) => Buffer.from(ls.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]))),
  fc.array(fc.oneof(mutatedEve.map((s) => JSON.parse(s) as unknown), hostileValue), { maxLength: 10 }).map((a) => Buffer.from(JSON.stringify(a))),
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from('x'.repeat(70000))),
);

// Mostly well-formed envelopes, so that most hostile content reaches the parsers and the write path.
const often = <T>(usual: T, ...rare: T[]) => fc.oneof({ arbitrary: fc.constant(usual), weight: 3 }, { arbitrary: fc.constantFrom(...rare), weight: 1 });
const request = fc.record({
  body: fc.oneof({ arbitrary: fc.array(fc.oneof(mutatedEve, mutatedZeek), { minLength: 1, maxLength: 12 }).map((ls) => Buffer.from(ls.join('\n'))), weight: 2 }, { arbitrary: body, weight: 3 }),
  contentType: often('application/x-ndjson', 'application/json', 'text/plain', 'text/plain; charset=latin1', 'application/octet-stream', 'APPLICATION/X-NDJSON', ''),
  encoding: often('none', 'gzip', 'gzip-truncated', 'deflate'),
  format: often('', '?format=auto', '?format=suricata', '?format=zeek', '?format=cef', '?format=ocsf', '?format=native', '?format=%00', '?format=a&format=b'),
});

describe('POST /v1/events with hostile input', () => {
  it('never answers 5xx, never stores part of a refused batch, and stores exactly what it accepts', async () => {
    let expected = await k.eventCount();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ body: raw, contentType, encoding, format }) => {
        const headers: Record<string, string> = {};
        let payload = raw;
        if (encoding === 'gzip') payload = zlib.gzipSync(raw);
        if (encoding === 'gzip-truncated') payload = zlib.gzipSync(raw).subarray(0, Math.max(1, Math.floor(raw.length / 2)));
        if (encoding === 'deflate') payload = zlib.deflateSync(raw);
        if (encoding !== 'none') headers['content-encoding'] = encoding === 'gzip-truncated' ? 'gzip' : encoding;
        const res = await k.post(payload, { contentType, headers, query: format });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([202, 400, 413, 415]).toContain(res.status);
        if (res.status === 202) {
          expect(res.body).toEqual({ batchId: expect.any(String), accepted: expect.any(Number), duplicates: expect.any(Number), rejected: expect.any(Array), rejectedCount: expect.any(Number) });
          expected += res.body.accepted;
        } else {
          expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
        }
        expect(await k.eventCount()).toBe(expected);
      }),
      { numRuns: 320 },
    );
    // The generators must actually reach the write path, not only the refusals.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(60);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);
    expect(await k.eventCount()).toBe(expected);
  }, 120000);
});
