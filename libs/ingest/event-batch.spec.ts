import type { NormalizedEvent } from '@watchfloor/normalize';
import { EventBatchAssembler, restorableRawJson, storableJson, toEventRow } from './event-batch';

const SENSOR = '6f1c1b52-2a7e-4b55-9f0e-0c8d3c2a9b11';
const receivedAt = new Date('2026-11-25T12:00:00Z');
const eve = (n: number) => ({ timestamp: '2026-11-25T11:59:00Z', event_type: 'alert', src_ip: '10.0.0.1', dest_ip: '10.0.0.2', dest_port: 502, proto: 'TCP', flow_id: n, alert: { signature_id: n, signature: 'x', severity: 2 } });

function event(overrides: Partial<NormalizedEvent>): NormalizedEvent {
  return {
    ts: receivedAt, tsFromSource: true, sourceFormat: 'native', sourceProduct: 'p', sourceLog: 'l', eventClass: 'other', category: null, severity: 'LOW',
    srcIp: null, srcPort: null, dstIp: null, dstPort: null, transport: null, appProtocol: null, communityId: null, signature: null, signatureId: null,
    attackIds: [], otProtocol: null, otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null, message: null, sensorEventId: null, raw: {},
    ...overrides,
  };
}

describe('EventBatchAssembler', () => {
  it('deduplicates by fingerprint, numbers rejections, skips blank lines and keeps first-seen order', () => {
    const a = new EventBatchAssembler(SENSOR, { format: 'auto', receivedAt }, 100);
    a.addLine(1, JSON.stringify(eve(1)));
    a.addLine(2, '{broken');
    a.addLine(3, '   ');
    a.addLine(4, JSON.stringify(eve(2)));
    a.addLine(5, JSON.stringify(eve(1)));
    const batch = a.finish();
    expect(batch.rows).toHaveLength(2);
    expect(batch.duplicatesInBatch).toBe(1);
    expect(batch.rejected).toEqual([{ line: 2, error: expect.any(String) }]);
    expect(batch.records).toBe(4);
    expect(batch.formats).toBe('suricata');
    expect(batch.rows.map((r) => r.signatureId)).toEqual(['1', '2']);
  });

  it('gives the same record the same id for one sensor and another id for another sensor', () => {
    const one = new EventBatchAssembler(SENSOR, { format: 'auto', receivedAt }, 10);
    const two = new EventBatchAssembler('0a1c1b52-2a7e-4b55-9f0e-0c8d3c2a9b11', { format: 'auto', receivedAt }, 10);
    one.addRecord(1, eve(7));
    two.addRecord(1, eve(7));
    const again = new EventBatchAssembler(SENSOR, { format: 'auto', receivedAt: new Date() }, 10);
    again.addRecord(1, eve(7));
    expect(one.finish().rows[0].id).toBe(again.finish().rows[0].id);
    expect(one.finish().rows[0].id).not.toBe(two.finish().rows[0].id);
  });

  it('throws too_many_events past the limit', () => {
    const a = new EventBatchAssembler(SENSOR, { format: 'auto', receivedAt }, 2);
    a.addRecord(1, eve(1));
    a.addRecord(2, 'junk');
    expect(() => a.addRecord(3, eve(3))).toThrow(expect.objectContaining({ code: 'too_many_events' }));
  });

  it('caps the reported rejections but counts them all', () => {
    const a = new EventBatchAssembler(SENSOR, { format: 'auto', receivedAt }, 5000);
    for (let i = 1; i <= 1500; i++) a.addLine(i, 'nope');
    const batch = a.finish();
    expect(batch.rejected).toHaveLength(1000);
    expect(batch.rejectedCount).toBe(1500);
  });
});

describe('toEventRow', () => {
  it('neutralises values Postgres would refuse', () => {
    const row = toEventRow(SENSOR, event({ srcIp: '999.1.1.1', dstIp: 'fe80::1%eth0', srcPort: 70000, dstPort: 1.5, otFunctionCode: 2 ** 40, message: 'a\u0000b', attackIds: ['T0855'], raw: { s: 'x\u0000y', lone: '\ud800' } }));
    expect(row).toMatchObject({ srcIp: null, dstIp: null, srcPort: null, dstPort: null, otFunctionCode: null, message: 'a\uFFFDb', attackIds: ['T0855'] });
    const json = (row as { rawJson: string }).rawJson;
    expect(json).not.toContain('\\u0000');
    expect(json).not.toMatch(/\\ud800/);
    expect(JSON.parse(json)).toEqual({ s: 'x\uFFFDy', lone: '\uFFFD' });
  });

  it('keeps valid addresses and maps severity to its rank', () => {
    const row = toEventRow(SENSOR, event({ srcIp: '10.1.2.3', dstIp: '2001:db8::1', srcPort: 0, dstPort: 65535, severity: 'CRITICAL' }));
    expect(row).toMatchObject({ srcIp: '10.1.2.3', dstIp: '2001:db8::1', srcPort: 0, dstPort: 65535, severity: 4 });
  });

  it('rejects an event without a valid timestamp', () => {
    expect(toEventRow(SENSOR, event({ ts: new Date(NaN) }))).toMatch(/timestamp/);
  });
});

describe('raw of a line', () => {
  const rowOf = (line: string, format: 'auto' | 'cef' = 'auto') => {
    const a = new EventBatchAssembler(SENSOR, { format, receivedAt }, 10);
    a.addLine(1, line);
    const batch = a.finish();
    if (batch.rows.length !== 1) throw new Error(JSON.stringify(batch.rejected));
    return batch.rows[0];
  };

  it('stores a JSON line as received (trimmed), big integers and all', () => {
    const line = '{"timestamp":"2026-11-25T11:59:00Z", "event_type":"flow","flow_id":1234567890123456789,"n":1.50}';
    expect(rowOf(`\ufeff ${line}  `).rawJson).toBe(line);
  });

  it('re-serializes a line with escapes jsonb refuses, and CEF lines (raw is not the line)', () => {
    const nul = '{"timestamp":"2026-11-25T11:59:00Z","event_type":"flow","s":"a\\u0000b","lone":"\\uDC00"}';
    const json = rowOf(nul).rawJson;
    expect(json).not.toMatch(/\\u0000|\\udc00/i);
    expect(JSON.parse(json)).toMatchObject({ s: 'a\uFFFDb', lone: '\uFFFD' });
    const cef = 'CEF:0|Fortinet|FortiGate|7.2|13|traffic denied|5|src=10.10.0.1 dst=10.30.0.11 rt=1764068340000';
    expect(JSON.parse(rowOf(cef).rawJson)).toMatchObject({ deviceVendor: expect.any(String) });
    expect(rowOf(cef).rawJson).not.toBe(cef);
  });

  it('restorableRawJson gives what storableJson would have stored', () => {
    expect(restorableRawJson('{"a":1e-20000,"b":"x\\u0000"}')).toBe('{"a":0,"b":"x\uFFFD"}');
  });
});

describe('storableJson', () => {
  it('is plain JSON.stringify when nothing needs cleaning, and keeps a __proto__ key as a key', () => {
    expect(storableJson({ a: 1, b: ['x'] })).toBe('{"a":1,"b":["x"]}');
    // JSON.parse makes "__proto__" an own key; the NUL makes storableJson take the cleaning walk,
    // which rebuilds every object. Rebuilt naively (`out[k] = v` on a `{}`), the key would set the
    // copy's prototype instead and JSON.stringify would drop it: '{"k":1}'.
    const raw = JSON.parse('{"__proto__": {"polluted": "\\u0000"}, "k": 1}') as Record<string, unknown>;
    const json = storableJson(raw);
    expect(json).toBe('{"__proto__":{"polluted":"\uFFFD"},"k":1}');
    expect(Object.keys(JSON.parse(json))).toEqual(['__proto__', 'k']);
    // and the walk wrote nothing onto the global prototype
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('leaves a literal backslash-u text alone (false alarm costs only the walk)', () => {
    expect(JSON.parse(storableJson({ path: 'C:\\ud800\\u0000' }))).toEqual({ path: 'C:\\ud800\\u0000' });
  });
});
