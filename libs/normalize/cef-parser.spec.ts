// Golden tests for CEF lines, bare and behind RFC 3164 / RFC 5424 syslog headers.
import type { NormalizedEvent, ParseOptions } from './normalized-event';
import { parseRecord, parseTextLine } from './parse-record';

const RECEIVED_AT = new Date('2026-01-15T12:00:00Z');
const OPTS: ParseOptions = { format: 'auto', receivedAt: RECEIVED_AT };

function parse(line: string, opts: ParseOptions = OPTS): NormalizedEvent {
  const result = parseTextLine(line, opts);
  if (!result.ok) throw new Error(result.error);
  return result.event;
}

describe('CEF golden lines', () => {
  it('bare CEF: header escapes \\| and \\\\, extension escapes \\= \\\\ \\n, values with spaces, = inside a URL, labelled custom strings', () => {
    const line = 'CEF:0|Security|threatmanager|1.0|100|worm stopped \\| pipe \\\\ backslash|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=445 proto=TCP act=blocked a \\= b\\\\c msg=Detected a threat.\\nNo action needed. rt=1718280000123 externalId=evt-42 cs1Label=mitre technique cs1=T1210 request=http://x.example/?a=b&c=d';
    expect(parse(line)).toEqual({
      ts: new Date('2024-06-13T12:00:00.123Z'), tsFromSource: true,
      sourceFormat: 'cef', sourceProduct: 'threatmanager', sourceLog: 'cef',
      eventClass: 'firewall', category: 'firewall', severity: 'CRITICAL',
      srcIp: '10.0.0.1', srcPort: 1232, dstIp: '2.1.2.2', dstPort: 445,
      transport: 'tcp', appProtocol: null, communityId: null,
      signature: 'worm stopped | pipe \\ backslash', signatureId: '100', attackIds: ['T1210'],
      otProtocol: null, otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null,
      message: 'worm stopped | pipe \\ backslash', sensorEventId: 'evt-42',
      raw: {
        cefVersion: 0, deviceVendor: 'Security', deviceProduct: 'threatmanager', deviceVersion: '1.0',
        signatureId: '100', name: 'worm stopped | pipe \\ backslash', severity: '10',
        src: '10.0.0.1', dst: '2.1.2.2', spt: '1232', dpt: '445', proto: 'TCP', act: 'blocked a = b\\c',
        msg: 'Detected a threat.\nNo action needed.', rt: '1718280000123', externalId: 'evt-42',
        cs1Label: 'mitre technique', cs1: 'T1210', request: 'http://x.example/?a=b&c=d',
        customFields: { 'mitre technique': 'T1210' },
      },
    });
  });

  it('RFC 3164 header: no year (inferred from receivedAt), no zone (UTC), ts from the header when the line has no rt', () => {
    const line = '<134>Jun 13 12:00:05 fw01 CEF:0|Fortinet|FortiGate|7.2.4|0000000013|traffic:forward close|3|src=192.168.1.10 dst=10.20.0.10 spt=50000 dpt=502 proto=6 act=close cat=traffic:forward app=Modbus';
    expect(parse(line)).toEqual({
      ts: new Date('2025-06-13T12:00:05Z'), tsFromSource: true,
      sourceFormat: 'cef', sourceProduct: 'fortigate', sourceLog: 'cef',
      eventClass: 'firewall', category: 'firewall', severity: 'LOW',
      srcIp: '192.168.1.10', srcPort: 50000, dstIp: '10.20.0.10', dstPort: 502,
      transport: 'tcp', appProtocol: 'modbus', communityId: null,
      signature: 'traffic:forward close', signatureId: '0000000013', attackIds: [],
      otProtocol: 'modbus', otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null,
      message: 'traffic:forward close', sensorEventId: null,
      raw: {
        cefVersion: 0, deviceVendor: 'Fortinet', deviceProduct: 'FortiGate', deviceVersion: '7.2.4',
        signatureId: '0000000013', name: 'traffic:forward close', severity: '3',
        src: '192.168.1.10', dst: '10.20.0.10', spt: '50000', dpt: '502', proto: '6', act: 'close', cat: 'traffic:forward', app: 'Modbus',
        syslog: { pri: 134, facility: 16, severity: 6, timestamp: 'Jun 13 12:00:05', hostname: 'fw01' },
      },
    });
  });

  it('RFC 5424 header from an OT monitor: IDS vendor gives class alert / category ids, zone offset applied', () => {
    const line = '<165>1 2024-06-13T12:00:07.250+02:00 guardian-1 n2os - ALERT [meta sequenceId="7"] CEF:0|Nozomi Networks|N2OS|22.0.0|SIGN:PROGRAM-CHANGE|Program change detected|9|src=10.10.1.5 dst=10.20.0.10 dpt=102 proto=TCP app=s7comm cs2Label=MITRE cs2=T0843';
    expect(parse(line)).toEqual({
      ts: new Date('2024-06-13T10:00:07.250Z'), tsFromSource: true,
      sourceFormat: 'cef', sourceProduct: 'n2os', sourceLog: 'cef',
      eventClass: 'alert', category: 'ids', severity: 'CRITICAL',
      srcIp: '10.10.1.5', srcPort: null, dstIp: '10.20.0.10', dstPort: 102,
      transport: 'tcp', appProtocol: 's7comm', communityId: null,
      signature: 'Program change detected', signatureId: 'SIGN:PROGRAM-CHANGE', attackIds: ['T0843'],
      otProtocol: 's7comm', otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null,
      message: 'Program change detected', sensorEventId: null,
      raw: {
        cefVersion: 0, deviceVendor: 'Nozomi Networks', deviceProduct: 'N2OS', deviceVersion: '22.0.0',
        signatureId: 'SIGN:PROGRAM-CHANGE', name: 'Program change detected', severity: '9',
        src: '10.10.1.5', dst: '10.20.0.10', dpt: '102', proto: 'TCP', app: 's7comm', cs2Label: 'MITRE', cs2: 'T0843',
        customFields: { MITRE: 'T0843' },
        syslog: { pri: 165, facility: 20, severity: 5, version: 1, timestamp: '2024-06-13T12:00:07.250+02:00', hostname: 'guardian-1', appName: 'n2os', procId: '-', msgId: 'ALERT' },
      },
    });
  });

  it.each([
    ['rt=Jun 13 2024 12:00:00.500 CEST', '2024-06-13T10:00:00.500Z'],
    ['rt=Jun 13 2024 12:00:00', '2024-06-13T12:00:00.000Z'],
    ['rt=Jun 13 12:00:00 +0100', '2025-06-13T11:00:00.000Z'],
    ['rt=1718280000', '2024-06-13T12:00:00.000Z'],
    ['rt=2024-06-13T12:00:00Z', '2024-06-13T12:00:00.000Z'],
    ['start=1718280000123 end=1718280009999', '2024-06-13T12:00:00.123Z'],
  ])('time field %s', (ext, iso) => {
    expect(parse(`CEF:0|v|p|1|sig|name|5|${ext}`).ts.toISOString()).toBe(iso);
  });

  it.each([
    ['Unknown', 'INFO'], ['', 'INFO'], ['0', 'LOW'], ['3', 'LOW'], ['4', 'MEDIUM'], ['6', 'MEDIUM'], ['7', 'HIGH'], ['8', 'HIGH'],
    ['9', 'CRITICAL'], ['Low', 'LOW'], ['Medium', 'MEDIUM'], ['High', 'HIGH'], ['Very-High', 'CRITICAL'],
  ])('severity %p is %s', (sev, expected) => {
    expect(parse(`CEF:0|v|p|1|sig|name|${sev}|`).severity).toBe(expected);
  });

  it('a line without the trailing pipe after severity and without extension is accepted', () => {
    const e = parse('CEF:0|Vendor|Product|1|42|Name|Low');
    expect([e.severity, e.signatureId, e.raw]).toEqual(['LOW', '42', { cefVersion: 0, deviceVendor: 'Vendor', deviceProduct: 'Product', deviceVersion: '1', signatureId: '42', name: 'Name', severity: 'Low' }]);
  });

  it('a JSON string holding a CEF line is parsed by parseRecord', () => {
    const result = parseRecord('CEF:0|Vendor|Snort|2.9|1:2001219|ET SCAN Potential SSH Scan|5|src=10.0.0.9 dst=10.0.0.10 dpt=22', OPTS);
    expect(result.ok && [result.event.sourceProduct, result.event.category, result.event.severity, result.event.dstPort]).toEqual(['snort', 'ids', 'MEDIUM', 22]);
  });

  it.each([
    ['CEF:0|a|b|c', "cef: CEF header has 4 of 8 pipe-separated parts (CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension)"],
    ['CEF:2|a|b|c|d|e|5|', 'cef: unsupported CEF version "CEF:2"'],
    ['CEF:0|a|b|c|d|e|11|', 'cef: CEF severity 11 is outside 0..10'],
    ['CEF:0|a|b|c|d|e|urgent|', 'cef: CEF severity "urgent" is not 0-10 or Low/Medium/High/Very-High/Unknown'],
    ['CEF:0|a|b|c|d|e|5|junk src=1.2.3.4', 'cef: CEF extension starts with text that is not key=value: "junk "'],
    ['CEF:0|a|b|c|d|e|5|just text', 'cef: CEF extension holds no key=value pair'],
    ['CEF:0|a|b|c|d|e|5|src=999.1.1.1', 'cef: src "999.1.1.1" is not an IP address'],
    ['CEF:0|a|b|c|d|e|5|spt=70000', 'cef: spt 70000 is outside 0..65535'],
    ['CEF:0|a|b|c|d|e|5|rt=Feb 30 2024 10:00:00', 'cef: rt "Feb 30 2024 10:00:00" is not a valid date'],
    ['CEF:0|a|b|c|d|e|5|rt=Feb 3 2024 10:00:00 XYZT', 'cef: rt has an unknown time zone "XYZT"'],
    ['CEF:0|a|b|c|d|e|5|name=dup', 'cef: CEF extension key "name" collides with a header field'],
    ['CEF:0|a|b|c|d|e|5|__proto__=x', 'cef: CEF extension key "__proto__" collides with a header field'],
    ['CEF:0|a|b\u0000|c|d|e|5|', 'cef: deviceProduct contains a NUL byte'],
    ['<999>Jan  1 00:00:00 h CEF:0|a|b|c|d|e|5|', 'cef: syslog PRI 999 is outside 0..191'],
    ['<13>Feb 30 00:00:00 h CEF:0|a|b|c|d|e|5|', 'cef: syslog timestamp "Feb 30 00:00:00" is not a valid date'],
    ['hello world', "line is neither a JSON object nor a CEF line (no 'CEF:' marker)"],
  ])('rejects %j', (line, error) => {
    expect(parseTextLine(line, OPTS)).toEqual({ ok: false, error });
  });

  it('format cef refuses a line without the marker and a JSON object', () => {
    expect(parseTextLine('{"a":1}', { ...OPTS, format: 'cef' })).toEqual({ ok: false, error: "cef: line holds no 'CEF:' marker" });
    expect(parseRecord({ a: 1 }, { ...OPTS, format: 'cef' })).toEqual({ ok: false, error: 'cef: expects a CEF text line, got a JSON object' });
  });
});
