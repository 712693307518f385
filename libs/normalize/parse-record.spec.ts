import { detectFormat } from './format-detection';
import type { ParseOptions } from './normalized-event';
import { parseRecord, parseSuricataEve, parseTextLine, parseZeekLog, RecordParser } from './parse-record';

const OPTS: ParseOptions = { format: 'auto', receivedAt: new Date('2026-01-15T12:00:00Z') };

describe('detectFormat', () => {
  it.each([
    ['CEF:0|a|b|c|d|e|5|', 'cef'],
    ['<13>Jan  1 00:00:00 h CEF:0|a|b|c|d|e|5|', 'cef'],
    ['plain text', null],
    [{ schema: 'watchfloor.event/v1', event_type: 'alert', class_uid: 1, metadata: {} }, 'native'],
    [{ class_uid: 4001, metadata: {}, event_type: 'flow' }, 'ocsf'],
    [{ class_uid: 4001, event_type: 'flow' }, 'suricata'],
    [{ event_type: 'flow', _path: 'conn' }, 'suricata'],
    [{ _path: 'conn' }, 'zeek'],
    [{ 'id.orig_h': '10.0.0.1' }, 'zeek'],
    [{ id: { orig_h: '10.0.0.1' } }, 'zeek'],
    [{ ts: 1, uid: 'C1' }, 'zeek'],
    [{ ts: 1 }, null],
    [{ schema: 'watchfloor.event/v2' }, null],
    [[{ event_type: 'alert' }], null],
    [null, null],
    [42, null],
  ])('%j is %p', (record, format) => {
    expect(detectFormat(record)).toBe(format);
  });
});

describe('parseRecord and parseTextLine', () => {
  it('names the unknown format', () => {
    expect(parseRecord({ hello: 'world' }, OPTS)).toEqual({ ok: false, error: expect.stringMatching(/^unknown format: the object has none of the markers of Suricata EVE/) });
  });

  it('rejects non-objects with what they are', () => {
    expect(parseRecord([1, 2], OPTS)).toEqual({ ok: false, error: 'record is an array, not a JSON object' });
    expect(parseRecord(7, OPTS)).toEqual({ ok: false, error: 'record is number 7, not a JSON object' });
    expect(parseRecord(null, OPTS)).toEqual({ ok: false, error: 'record is null, not a JSON object' });
    expect(parseRecord('{"event_type":"flow"}', { ...OPTS, format: 'suricata' })).toEqual({ ok: false, error: 'suricata: record is a string, not a JSON object' });
  });

  it('rejects nesting deeper than 32 levels and accepts 32', () => {
    const nest = (depth: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { leaf: 1 };
      for (let i = 1; i < depth; i++) v = { n: v };
      return { event_type: 'flow', n: v };
    };
    expect(parseRecord(nest(31), OPTS).ok).toBe(true); // record + 31 levels = 32
    expect(parseRecord(nest(32), OPTS)).toEqual({ ok: false, error: 'record nests deeper than 32 levels' });
  });

  it('rejects numbers JSON cannot hold', () => {
    expect(parseTextLine('{"event_type":"flow","bytes":1e400}', OPTS)).toEqual({ ok: false, error: 'record holds a number that is not finite (JSON overflow such as 1e400?)' });
  });

  it('rejects values JSON.parse cannot produce, and more values than a record may hold', () => {
    expect(parseRecord({ event_type: 'flow', at: new Date(0) }, OPTS)).toEqual({ ok: false, error: 'record holds a non-JSON object (Date)' });
    expect(parseRecord({ event_type: 'flow', deep: [[{ f: () => 1 }]] }, OPTS)).toEqual({ ok: false, error: 'record holds a non-JSON value of type function' });
    expect(parseRecord({ event_type: 'flow', n: [1, NaN] }, OPTS)).toEqual({ ok: false, error: 'record holds a number that is not finite (JSON overflow such as 1e400?)' });
    expect(parseRecord({ event_type: 'flow', skipped: undefined, proto: null }, OPTS).ok).toBe(true);
    const many = new Array<number>(2_000_000).fill(0); // + the record and event_type: over 2,000,000 values
    expect(parseRecord({ event_type: 'flow', many }, OPTS)).toEqual({ ok: false, error: 'record holds more than 2000000 values' });
    expect(parseRecord({ event_type: 'flow', many: many.slice(3) }, OPTS).ok).toBe(true); // exactly 2,000,000
  });

  it('handles line shapes: BOM, leading blanks, CRLF, empty, arrays, broken JSON', () => {
    expect(parseTextLine('\ufeff  {"event_type":"flow"}\r\n', OPTS).ok).toBe(true);
    expect(parseTextLine('   ', OPTS)).toEqual({ ok: false, error: 'empty line' });
    expect(parseTextLine('[{"event_type":"flow"}]', OPTS)).toEqual({ ok: false, error: 'a JSON array is not one record: send one record per line' });
    expect(parseTextLine('{"event_type":"flo', OPTS)).toEqual({ ok: false, error: expect.stringMatching(/^json: invalid JSON: /) });
    expect(parseTextLine('{"event_type":"flo', { ...OPTS, format: 'suricata' })).toEqual({ ok: false, error: expect.stringMatching(/^suricata: invalid JSON: /) });
    expect(parseTextLine('CEF:0|a|b|c|d|e|5|', { ...OPTS, format: 'zeek' })).toEqual({ ok: false, error: 'zeek: line is not a JSON object' });
  });

  it('an explicit format overrides detection and reports against that format', () => {
    expect(parseRecord({ _path: 'conn', ts: 1521911720.5 }, { ...OPTS, format: 'suricata' })).toEqual({ ok: false, error: 'suricata: event_type is missing' });
    expect(parseZeekLog({ event_type: 'flow', _path: 'conn', ts: 1521911720.5 }, OPTS)).toMatchObject({ ok: true, event: { sourceFormat: 'zeek', sourceLog: 'conn' } });
    expect(parseSuricataEve({ event_type: 'flow' }, OPTS)).toMatchObject({ ok: true, event: { sourceFormat: 'suricata' } });
  });

  it('a record with only ts and a declared Zeek log is read as Zeek', () => {
    expect(parseRecord({ ts: 1521911720.5, host: '10.0.0.1' }, { ...OPTS, declaredLog: 'known_hosts' })).toMatchObject({ ok: true, event: { sourceFormat: 'zeek', sourceLog: 'known_hosts' } });
  });
});

describe('RecordParser', () => {
  it('gives what parseTextLine and parseRecord give, line after line', () => {
    const parser = new RecordParser(OPTS);
    const lines = ['{"event_type":"flow","src_ip":"10.0.0.1"}', '  {"_path":"conn","ts":1521911720.5,"uid":"C1"}', '{"event_type":"flo', 'CEF:0|a|b|c|d|e|5|src=10.0.0.2', '[1]', 'plain text', ''];
    for (const line of lines) expect(parser.line(line)).toEqual(parseTextLine(line, OPTS));
    for (const value of [{ event_type: 'alert', alert: { signature: 'x' } }, 'CEF:0|a|b|c|d|e|5|', 42, null]) expect(parser.record(value)).toEqual(parseRecord(value, OPTS));
  });

  it('checks its options once and refuses every record with the reason', () => {
    const parser = new RecordParser({ format: 'xml', receivedAt: OPTS.receivedAt } as unknown as ParseOptions);
    const refused = { ok: false, error: expect.stringMatching(/^options\.format string "xml" is not auto/) };
    expect(parser.line('{"event_type":"flow"}')).toEqual(refused);
    expect(parser.record({ event_type: 'flow' })).toEqual(refused);
    expect(parser.line(7 as unknown as string)).toEqual({ ok: false, error: 'line is number 7, not a string' });
  });
});
