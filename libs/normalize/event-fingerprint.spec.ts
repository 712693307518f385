import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, eventFingerprint, eventId, fingerprintToUuid } from './event-fingerprint';
import type { NormalizedEvent, ParseOptions } from './normalized-event';
import { parseRecord, parseTextLine } from './parse-record';

const OPTS: ParseOptions = { format: 'auto', receivedAt: new Date('2026-01-15T12:00:00Z') };
const ALERT = '{"timestamp":"2018-03-24T14:37:19.037299-0600","event_type":"alert","src_ip":"0.0.0.0","src_port":26078,"dest_ip":"10.47.8.150","dest_port":22,"proto":"TCP","alert":{"signature_id":2001219,"signature":"ET SCAN Potential SSH Scan","severity":2}}';

function event(line: string, opts: ParseOptions = OPTS): NormalizedEvent {
  const r = parseTextLine(line, opts);
  if (!r.ok) throw new Error(r.error);
  return r.event;
}

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, drops undefined like JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([undefined, null, 'é\u0000'])).toBe('[null,null,"é\\u0000"]');
  });

  it('is JSON that parses back to an equal value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
    }), { numRuns: 300 });
  });
});

describe('eventFingerprint', () => {
  it('is 32 lower-case hex chars: sha256 over the framed sensor id and canonical raw', () => {
    const e = event(ALERT);
    // ALERT's canonical form written out by hand (keys sorted at every level), not canonicalJson's.
    const canonical =
      '{"alert":{"severity":2,"signature":"ET SCAN Potential SSH Scan","signature_id":2001219},"dest_ip":"10.47.8.150","dest_port":22,' +
      '"event_type":"alert","proto":"TCP","src_ip":"0.0.0.0","src_port":26078,"timestamp":"2018-03-24T14:37:19.037299-0600"}';
    const expected = createHash('sha256').update(`9:sensor-01\nraw:${canonical}`).digest('hex').slice(0, 32);
    expect(eventFingerprint('sensor-01', e)).toBe(expected);
  });

  it('the same record gives the same id, parsed twice or resent later', () => {
    const a = event(ALERT);
    const b = event(ALERT, { ...OPTS, receivedAt: new Date('2026-02-01T00:00:00Z') });
    expect(eventFingerprint('s1', a)).toBe(eventFingerprint('s1', b));
  });

  it('key order in the record does not matter', () => {
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(ALERT) as Record<string, unknown>).reverse()));
    expect(reordered).not.toBe(ALERT);
    expect(eventFingerprint('s1', event(reordered))).toBe(eventFingerprint('s1', event(ALERT)));
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (extra) => {
      const record = { event_type: 'flow', ...extra };
      const reversed = Object.fromEntries(Object.entries(record).reverse());
      const r1 = parseRecord(record, OPTS);
      const r2 = parseRecord(reversed, OPTS);
      if (r1.ok && r2.ok) expect(eventFingerprint('s', r1.event)).toBe(eventFingerprint('s', r2.event));
      else expect(r1.ok).toBe(r2.ok);
    }), { numRuns: 300 });
  });

  it('a different sensor or a different record gives a different id', () => {
    const e = event(ALERT);
    expect(eventFingerprint('s1', e)).not.toBe(eventFingerprint('s2', e));
    expect(eventFingerprint('s1', event(ALERT.replace('26078', '26079')))).not.toBe(eventFingerprint('s1', e));
    // Framing: moving characters between sensor id and payload cannot collide.
    expect(eventFingerprint('ab', { ...e, sensorEventId: 'c' })).not.toBe(eventFingerprint('a', { ...e, sensorEventId: 'bc' }));
  });

  it('uses sensorEventId when the format defines one: same uid with other content is the same event', () => {
    const ocsf = (msg: string) => ({ class_uid: 2004, time: 1718280000123, metadata: { uid: 'evt-1', product: { name: 'P' } }, message: msg });
    const r1 = parseRecord(ocsf('first delivery'), OPTS);
    const r2 = parseRecord(ocsf('re-sent with a changed message'), OPTS);
    if (!r1.ok || !r2.ok) throw new Error('parse failed');
    expect(eventFingerprint('s1', r1.event)).toBe(eventFingerprint('s1', r2.event));
    expect(eventFingerprint('s1', r1.event)).toBe(createHash('sha256').update('2:s1\nid:evt-1').digest('hex').slice(0, 32));
    const other = parseRecord({ ...ocsf('first delivery'), metadata: { uid: 'evt-2' } }, OPTS);
    expect(other.ok && eventFingerprint('s1', other.event)).not.toBe(eventFingerprint('s1', r1.event));
  });
});

describe('eventFingerprint from the source line', () => {
  it('hashes the framed sensor id and the line itself, surrounding whitespace ignored', () => {
    const e = event(ALERT);
    const expected = createHash('sha256').update(`9:sensor-01\ntext:${ALERT}`).digest('hex').slice(0, 32);
    expect(eventFingerprint('sensor-01', e, ALERT)).toBe(expected);
    expect(eventFingerprint('sensor-01', e, `\ufeff  ${ALERT} \t`)).toBe(expected);
    expect(eventFingerprint('sensor-01', e, ALERT)).not.toBe(eventFingerprint('sensor-01', e));
  });

  it('a resent line keeps its id; the same record serialized otherwise is another event', () => {
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(ALERT) as Record<string, unknown>).reverse()));
    expect(eventFingerprint('s1', event(ALERT), ALERT)).toBe(eventFingerprint('s1', event(ALERT, { ...OPTS, receivedAt: new Date('2026-03-01T00:00:00Z') }), ALERT));
    expect(eventFingerprint('s1', event(reordered), reordered)).not.toBe(eventFingerprint('s1', event(ALERT), ALERT));
    expect(eventFingerprint('s2', event(ALERT), ALERT)).not.toBe(eventFingerprint('s1', event(ALERT), ALERT));
  });

  it("the record's own id still decides when it has one", () => {
    const line = JSON.stringify({ class_uid: 2004, time: 1718280000123, metadata: { uid: 'evt-1', product: { name: 'P' } }, message: 'm' });
    const e = event(line);
    expect(eventFingerprint('s1', e, line)).toBe(createHash('sha256').update('2:s1\nid:evt-1').digest('hex').slice(0, 32));
  });
});

describe('eventId', () => {
  it('is fingerprintToUuid of eventFingerprint, for ids, lines and raw alike', () => {
    const fromLine = event(ALERT);
    const withId = { ...fromLine, sensorEventId: 'evt-42' };
    for (const [e, text] of [[fromLine, ALERT], [fromLine, undefined], [withId, ALERT]] as const) {
      expect(eventId('sensor-1', e, text)).toBe(fingerprintToUuid(eventFingerprint('sensor-1', e, text)));
    }
    fc.assert(fc.property(fc.string(), fc.string(), (sensorId, line) => {
      expect(eventId(sensorId, fromLine, line)).toBe(fingerprintToUuid(eventFingerprint(sensorId, fromLine, line)));
    }), { numRuns: 200 });
  });
});

describe('fingerprintToUuid', () => {
  it('formats 8-4-4-4-12 with version 8 and the RFC variant', () => {
    expect(fingerprintToUuid('0123456789abcdef0123456789ABCDEF')).toBe('01234567-89ab-8def-8123-456789abcdef');
    expect(fingerprintToUuid('ffffffffffffffffffffffffffffffff')).toBe('ffffffff-ffff-8fff-bfff-ffffffffffff');
  });

  it('refuses anything but 32 hex characters', () => {
    for (const bad of ['', 'xyz', '0123456789abcdef0123456789abcde', '0123456789abcdef0123456789abcdefa', 'g123456789abcdef0123456789abcdef']) {
      expect(() => fingerprintToUuid(bad)).toThrow(RangeError);
    }
  });
});
