// Golden tests for Zeek JSON logs. Records are written here in the layout Zeek 6 JSON logs use
// (JSON streaming logs: `_path`, literal dotted keys); the OT values follow zeek/zeek btest
// baselines and cisagov ICSNPP baselines (BSD-3-Clause).
import type { NormalizedEvent, ParseOptions } from './normalized-event';
import { parseRecord } from './parse-record';
import { parseZeekTsv } from './zeek-tsv-reader';

const RECEIVED_AT = new Date('2026-01-15T12:00:00Z');
const OPTS: ParseOptions = { format: 'auto', receivedAt: RECEIVED_AT };

function parse(line: string, opts: ParseOptions = OPTS): { record: Record<string, unknown>; event: NormalizedEvent } {
  const record = JSON.parse(line) as Record<string, unknown>;
  const result = parseRecord(record, opts);
  if (!result.ok) throw new Error(result.error);
  return { record, event: result.event };
}

const NO_OT = { otProtocol: null, otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null };
const ZEEK = { sourceFormat: 'zeek', sourceProduct: 'zeek', sensorEventId: null, communityId: null, attackIds: [] };

describe('Zeek JSON golden records', () => {
  it('conn: epoch-float ts, literal dotted id keys, service names the app protocol', () => {
    const { record, event } = parse('{"_path":"conn","ts":1521911720.600725,"uid":"CXWv6p3arKYeMETxOg","id.orig_h":"10.47.1.10","id.orig_p":50012,"id.resp_h":"10.47.8.54","id.resp_p":443,"proto":"tcp","service":"ssl,http","duration":0.52,"orig_bytes":120,"resp_bytes":90,"conn_state":"SF","community_id":"1:wCb3OG7yAFWelaUydu0D+125CLM="}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date(1521911720601), tsFromSource: true, sourceLog: 'conn',
      eventClass: 'flow', category: null, severity: 'INFO',
      srcIp: '10.47.1.10', srcPort: 50012, dstIp: '10.47.8.54', dstPort: 443,
      transport: 'tcp', appProtocol: 'tls', communityId: '1:wCb3OG7yAFWelaUydu0D+125CLM=',
      signature: null, signatureId: null, ...NO_OT, message: null, raw: record,
    });
  });

  it('conn: nested id object and ISO ts are read too; a modbus service marks the OT protocol', () => {
    const { event } = parse('{"_path":"conn","ts":"2018-03-24T17:15:33.511226Z","uid":"CYmWSL3iXSKUncv8Zg","id":{"orig_h":"10.128.0.242","orig_p":56952,"resp_h":"10.47.8.54","resp_p":502},"proto":"tcp","service":"modbus"}');
    expect([event.ts, event.srcIp, event.srcPort, event.dstIp, event.dstPort, event.appProtocol, event.otProtocol, event.otOperation])
      .toEqual([new Date('2018-03-24T17:15:33.511Z'), '10.128.0.242', 56952, '10.47.8.54', 502, 'modbus', 'modbus', null]);
  });

  it('notice: MEDIUM, category ids, note is the signature, msg the message', () => {
    const { record, event } = parse('{"_path":"notice","ts":"2018-03-24T17:15:20.629574Z","uid":"CmC9kY1X0u9nP78KZc","id.orig_h":"10.164.94.120","id.orig_p":39611,"id.resp_h":"10.47.3.200","id.resp_p":443,"fuid":"FGP2jt4dhD3bYZ923k","proto":"tcp","note":"SSL::Invalid_Server_Cert","msg":"SSL certificate validation failed with (unable to get local issuer certificate)","src":"10.164.94.120","dst":"10.47.3.200","p":443,"actions":["Notice::ACTION_LOG"],"suppress_for":3600.0}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date('2018-03-24T17:15:20.629Z'), tsFromSource: true, sourceLog: 'notice',
      eventClass: 'notice', category: 'ids', severity: 'MEDIUM',
      srcIp: '10.164.94.120', srcPort: 39611, dstIp: '10.47.3.200', dstPort: 443,
      transport: 'tcp', appProtocol: null,
      signature: 'SSL::Invalid_Server_Cert', signatureId: 'SSL::Invalid_Server_Cert', ...NO_OT,
      message: 'SSL certificate validation failed with (unable to get local issuer certificate)', raw: record,
    });
  });

  it('notice without a connection takes src/dst/p', () => {
    const { event } = parse('{"_path":"notice","ts":1521911800.5,"note":"Scan::Port_Scan","msg":"10.128.0.233 scanned at least 15 unique ports of host 10.47.21.25 in 0m1s","src":"10.128.0.233","dst":"10.47.21.25","p":445}');
    expect([event.srcIp, event.srcPort, event.dstIp, event.dstPort, event.signature]).toEqual(['10.128.0.233', null, '10.47.21.25', 445, 'Scan::Port_Scan']);
  });

  it('weird (zeek-baselines modbus events): LOW, name is the signature, addl joins the message', () => {
    const { record, event } = parse('{"_path":"weird","ts":1521911733.0,"name":"modbus_diag_unknown_request_subfunction","addl":"0","notice":false,"peer":"zeek"}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date(1521911733000), tsFromSource: true, sourceLog: 'weird',
      eventClass: 'weird', category: null, severity: 'LOW',
      srcIp: null, srcPort: null, dstIp: null, dstPort: null, transport: null, appProtocol: null,
      signature: 'modbus_diag_unknown_request_subfunction', signatureId: null, ...NO_OT,
      message: 'modbus_diag_unknown_request_subfunction (0)', raw: record,
    });
  });

  it('dns: category dns, query is the message', () => {
    const { record, event } = parse('{"_path":"dns","ts":"2018-03-24T17:15:20.865716Z","uid":"CqKst53mF3det3eDV9","id.orig_h":"10.47.1.100","id.orig_p":41772,"id.resp_h":"10.0.0.100","id.resp_p":53,"proto":"udp","trans_id":36329,"query":"ise.example.org","qtype_name":"A","rcode_name":"NOERROR","answers":["134.71.3.16"],"TTLs":[2230.0]}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date('2018-03-24T17:15:20.865Z'), tsFromSource: true, sourceLog: 'dns',
      eventClass: 'dns', category: 'dns', severity: 'INFO',
      srcIp: '10.47.1.100', srcPort: 41772, dstIp: '10.0.0.100', dstPort: 53,
      transport: 'udp', appProtocol: 'dns',
      signature: null, signatureId: null, ...NO_OT, message: 'ise.example.org', raw: record,
    });
  });

  it('ssl: class tls, server name is the message', () => {
    const { record, event } = parse('{"_path":"ssl","ts":1521911720.615923,"uid":"CmC9kY1X0u9nP78KZc","id.orig_h":"10.164.94.120","id.orig_p":39611,"id.resp_h":"10.47.3.200","id.resp_p":443,"version":"TLSv12","cipher":"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384","server_name":"plc-gw.example.net","established":true}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date(1521911720616), tsFromSource: true, sourceLog: 'ssl',
      eventClass: 'tls', category: null, severity: 'INFO',
      srcIp: '10.164.94.120', srcPort: 39611, dstIp: '10.47.3.200', dstPort: 443,
      transport: null, appProtocol: 'tls',
      signature: null, signatureId: null, ...NO_OT, message: 'plc-gw.example.net', raw: record,
    });
  });

  it('modbus: func WRITE_MULTIPLE_REGISTERS is a write to unit 255', () => {
    const { record, event } = parse('{"_path":"modbus","ts":1521911733.511226,"uid":"CYmWSL3iXSKUncv8Zg","id.orig_h":"10.128.0.242","id.orig_p":56952,"id.resp_h":"10.47.8.54","id.resp_p":502,"tid":31498,"unit":255,"func":"WRITE_MULTIPLE_REGISTERS","pdu_type":"REQ"}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date(1521911733511), tsFromSource: true, sourceLog: 'modbus',
      eventClass: 'ot', category: null, severity: 'INFO',
      srcIp: '10.128.0.242', srcPort: 56952, dstIp: '10.47.8.54', dstPort: 502,
      transport: null, appProtocol: 'modbus',
      signature: null, signatureId: null,
      otProtocol: 'modbus', otFunction: 'WRITE_MULTIPLE_REGISTERS', otFunctionCode: 16, otUnitId: 255, otOperation: 'write',
      message: 'WRITE_MULTIPLE_REGISTERS', raw: record,
    });
  });

  it.each([
    ['READ_COILS_EXCEPTION', 'READ_COILS_EXCEPTION', 0x81, 'read'],
    ['unknown-100', 'unknown-100', 100, 'other'],
    ['DIAGNOSTICS', 'DIAGNOSTICS', 8, 'diagnostic'],
    ['MASK_WRITE_REGISTER', 'MASK_WRITE_REGISTER', 22, 'write'],
    ['unknown-90', 'UMAS', 90, 'program'],
  ])('modbus func %s → %s (%i) %s', (func, name, code, operation) => {
    const { event } = parse(`{"_path":"modbus","ts":1521911733.5,"func":"${func}"}`);
    expect([event.otFunction, event.otFunctionCode, event.otOperation]).toEqual([name, code, operation]);
  });

  it('dnp3 (zeek-baselines select_operate): the request function SELECT is control', () => {
    const { record, event } = parse('{"_path":"dnp3","ts":1521911733.1,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"130.126.142.250","id.orig_p":49404,"id.resp_h":"130.126.140.229","id.resp_p":20000,"fc_request":"SELECT","fc_reply":"RESPONSE","iin":0}');
    expect(event).toEqual({
      ...ZEEK,
      ts: new Date(1521911733100), tsFromSource: true, sourceLog: 'dnp3',
      eventClass: 'ot', category: null, severity: 'INFO',
      srcIp: '130.126.142.250', srcPort: 49404, dstIp: '130.126.140.229', dstPort: 20000,
      transport: null, appProtocol: 'dnp3',
      signature: null, signatureId: null,
      otProtocol: 'dnp3', otFunction: 'SELECT', otFunctionCode: 3, otUnitId: null, otOperation: 'control',
      message: 'SELECT', raw: record,
    });
  });

  it.each([
    ['{"_path":"dnp3","ts":1.6e9,"fc_request":"WRITE","fc_reply":"RESPONSE"}', 'dnp3', 'WRITE', 2, 'write'],
    ['{"_path":"dnp3","ts":1.6e9,"fc_request":"COLD_RESTART","fc_reply":"RESPONSE"}', 'dnp3', 'COLD_RESTART', 13, 'control'],
    ['{"_path":"dnp3","ts":1.6e9,"fc_reply":"UNSOLICITED_RESPONSE"}', 'dnp3', 'UNSOLICITED_RESPONSE', 130, 'other'],
    ['{"_path":"dnp3_control","ts":1.6e9,"function_code":"DIRECT_OPERATE","block_type":"Control Relay Output Block"}', 'dnp3', 'DIRECT_OPERATE', 5, 'control'],
    ['{"_path":"s7comm","ts":1.6e9,"rosctr_name":"Job-Request","function_code":"0x29","function_name":"PLC Stop"}', 's7comm', 'PLC Stop', 0x29, 'control'],
    ['{"_path":"s7comm","ts":1.6e9,"rosctr_name":"User-Data","function_code":"0x44","function_name":"Request: CPU Functions","subfunction_code":"0x01","subfunction_name":"Read SZL"}', 's7comm', 'Read SZL', 0x44, 'diagnostic'],
    ['{"_path":"s7comm_upload_download","ts":1.6e9,"function_name":"Start Upload","filename":"_0B00000A"}', 's7comm', 'Start Upload', null, 'program'],
    ['{"_path":"s7comm","ts":1.6e9,"function_code":"0x05","function_name":"Write Variable"}', 's7comm', 'Write Variable', 5, 'write'],
    ['{"_path":"s7comm_plus","ts":1.6e9,"opcode_name":"Request","function_code":"0x04f2","function_name":"Set Variable"}', 's7comm_plus', 'Set Variable', 0x4f2, 'write'],
    ['{"_path":"cip","ts":1.6e9,"direction":"request","cip_service_code":"0x10","cip_service":"Set Attributes Single","class_id":"0x01","class_name":"Identity"}', 'enip', 'Set Attribute Single', 0x10, 'write'],
    ['{"_path":"cip","ts":1.6e9,"direction":"request","cip_service_code":"0x03","cip_service":"Get Attribute List"}', 'enip', 'Get Attribute List', 3, 'read'],
    ['{"_path":"enip","ts":1.6e9,"enip_command_code":"0x63","enip_command":"List Identity"}', 'enip', 'List Identity', 0x63, 'diagnostic'],
  ])('OT log %s', (line, protocol, fn, code, operation) => {
    const { event } = parse(line);
    expect([event.eventClass, event.otProtocol, event.otFunction, event.otFunctionCode, event.otOperation]).toEqual(['ot', protocol, fn, code, operation]);
  });

  it.each([
    ['conn', 'flow', null, 'INFO'], ['notice', 'notice', 'ids', 'MEDIUM'], ['weird', 'weird', null, 'LOW'], ['dns', 'dns', 'dns', 'INFO'],
    ['ssl', 'tls', null, 'INFO'], ['x509', 'tls', null, 'INFO'], ['http', 'http', 'proxy', 'INFO'], ['modbus', 'ot', null, 'INFO'],
    ['dnp3', 'ot', null, 'INFO'], ['s7comm', 'ot', null, 'INFO'], ['enip', 'ot', null, 'INFO'], ['cip', 'ot', null, 'INFO'],
    ['rdp', 'rdp', null, 'INFO'], ['ssh', 'ssh', null, 'INFO'], ['smb_mapping', 'smb', null, 'INFO'], ['files', 'fileinfo', null, 'INFO'],
    ['kerberos', 'auth', null, 'INFO'], ['analyzer', 'anomaly', null, 'INFO'], ['stats', 'other', null, 'INFO'],
  ])('log %s → class %s, category %p, severity %s', (log, eventClass, category, severity) => {
    const { event } = parse(`{"_path":"${log}","ts":1521911720.5}`);
    expect([event.sourceLog, event.eventClass, event.category, event.severity]).toEqual([log, eventClass, category, severity]);
  });

  it('a record without _path takes the sensor-declared log (Zeek default JSON writer)', () => {
    const { event } = parse('{"ts":1521911720.5,"uid":"CqKst53mF3det3eDV9","id.orig_h":"10.47.1.100","id.orig_p":41772,"id.resp_h":"10.0.0.100","id.resp_p":53,"query":"example.org"}', { format: 'auto', receivedAt: RECEIVED_AT, declaredLog: 'dns' });
    expect([event.sourceFormat, event.sourceLog, event.category, event.message]).toEqual(['zeek', 'dns', 'dns', 'example.org']);
  });

  it('a record without ts (loaded_scripts) is stamped with receivedAt', () => {
    const { event } = parse('{"_path":"loaded_scripts","_write_ts":"1970-01-01T00:00:00.000000Z","name":"/opt/zeek/share/zeek/base/init-bare.zeek"}');
    expect([event.ts, event.tsFromSource, event.eventClass]).toEqual([RECEIVED_AT, false, 'other']);
  });

  it.each([
    ['{"ts":1521911720.5,"uid":"C1","query":"x"}', 'zeek: record has no _path and the sensor declared no Zeek log'],
    ['{"_path":"conn","ts":"XXXXXXXXXX.XXXXXX"}', 'zeek: ts "XXXXXXXXXX.XXXXXX" is not an ISO 8601 timestamp'],
    ['{"_path":"conn","ts":true}', 'zeek: ts must be epoch seconds or an ISO string, got boolean'],
    ['{"_path":"conn","ts":1e12}', 'zeek: ts 1000000000000 is outside 1990-01-01..2099-12-31'],
    ['{"_path":"conn","ts":1521911720.5,"id.orig_p":99999}', 'zeek: id.orig_p 99999 is outside 0..65535'],
    ['{"_path":"conn","ts":1521911720.5,"id.resp_h":"not-an-ip"}', 'zeek: id.resp_h "not-an-ip" is not an IP address'],
    ['{"_path":"Conn Log!","ts":1521911720.5}', 'zeek: log name "conn log!" is not a Zeek log name'],
    ['{"_path":"modbus","ts":1521911720.5,"unit":300}', 'zeek: unit 300 is outside 0..255'],
  ])('rejects %s', (line, error) => {
    expect(parseRecord(JSON.parse(line), { format: 'zeek', receivedAt: RECEIVED_AT })).toEqual({ ok: false, error });
  });
});

describe('parseZeekTsv', () => {
  const TSV = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\tlocal_orig\ttunnel_parents\thistory',
    '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tbool\tset[string]\tstring',
    '1521911733.511226\tCYmWSL3iXSKUncv8Zg\t10.128.0.242\t56952\t10.47.8.54\t502\ttcp\tmodbus\t0.25\tT\ta,b\t(empty)',
    '1521911734.000000\tC2\t10.128.0.243\t56953\t10.47.8.55\t502\ttcp\t-\t-\tF\t(empty)\tShADad',
    '1521911734.000000\tC3\tshort line',
    'nan\tC4\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t-\t-\tF\t(empty)\t-',
    '#close\t2024-04-12-19-29-18',
  ].join('\n');

  it('types values, drops unset fields, maps (empty), and reports bad lines with their numbers', () => {
    const read = parseZeekTsv(TSV);
    expect(read.records).toEqual([
      { line: 8, record: { _path: 'conn', ts: 1521911733.511226, uid: 'CYmWSL3iXSKUncv8Zg', 'id.orig_h': '10.128.0.242', 'id.orig_p': 56952, 'id.resp_h': '10.47.8.54', 'id.resp_p': 502, proto: 'tcp', service: 'modbus', duration: 0.25, local_orig: true, tunnel_parents: ['a', 'b'], history: '' } },
      { line: 9, record: { _path: 'conn', ts: 1521911734, uid: 'C2', 'id.orig_h': '10.128.0.243', 'id.orig_p': 56953, 'id.resp_h': '10.47.8.55', 'id.resp_p': 502, proto: 'tcp', local_orig: false, tunnel_parents: [], history: 'ShADad' } },
    ]);
    expect(read.errors).toEqual([
      { line: 10, error: 'has 3 columns, #fields declares 12' },
      { line: 11, error: 'ts (time) "nan" is not a number' },
    ]);
  });

  it('reads header-less (zeek-cut) text with a declared layout, and refuses a layout whose types do not line up', () => {
    const text = '1521911733.5\tC1\t10.0.0.1\t47785\t10.0.0.2\t502\tREAD_COILS\t-\n';
    const fields = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'func', 'exception'];
    expect(parseZeekTsv(text, { path: 'modbus', fields }).records).toEqual([
      { line: 1, record: { _path: 'modbus', ts: '1521911733.5', uid: 'C1', 'id.orig_h': '10.0.0.1', 'id.orig_p': '47785', 'id.resp_h': '10.0.0.2', 'id.resp_p': '502', func: 'READ_COILS' } },
    ]);
    expect(parseZeekTsv(text, { fields, types: ['time'] })).toEqual({ records: [], errors: [{ line: 0, error: 'layout has 8 fields but 1 types' }] });
  });

  it('records it reads go through the Zeek parser like JSON logs', () => {
    const [first] = parseZeekTsv(TSV).records;
    const result = parseRecord(first.record, { format: 'auto', receivedAt: RECEIVED_AT });
    expect(result.ok && [result.event.sourceLog, result.event.srcIp, result.event.dstPort, result.event.appProtocol]).toEqual(['conn', '10.128.0.242', 502, 'modbus']);
  });
});
