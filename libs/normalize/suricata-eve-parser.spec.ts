// Golden tests for Suricata EVE. Records marked "corpus" are copied from
// suricata/suricata-sample-data (MIT, (c) 2018 Frank Hassanabad) and suricata/suricata-verify
// (MIT, (C) OISF); the others are written here in the EVE layout Suricata 7/8 logs.
import type { NormalizedEvent, ParseResult } from './normalized-event';
import { parseRecord } from './parse-record';

const RECEIVED_AT = new Date('2026-01-15T12:00:00Z');

function parse(line: string): { record: Record<string, unknown>; event: NormalizedEvent } {
  const record = JSON.parse(line) as Record<string, unknown>;
  const result: ParseResult = parseRecord(record, { format: 'auto', receivedAt: RECEIVED_AT });
  if (!result.ok) throw new Error(result.error);
  return { record, event: result.event };
}

const NO_OT = { otProtocol: null, otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null };

describe('Suricata EVE golden records', () => {
  it('alert (corpus, wrccdc-2018): severity 2 is MEDIUM, offset -0600 becomes UTC, raw is the record itself', () => {
    const { record, event } = parse('{"timestamp":"2018-03-24T14:37:19.037299-0600","flow_id":928532049924531,"pcap_cnt":169577,"event_type":"alert","src_ip":"0.0.0.0","src_port":26078,"dest_ip":"10.47.8.150","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2},"flow":{"pkts_toserver":1,"pkts_toclient":0,"bytes_toserver":74,"bytes_toclient":0,"start":"2018-03-24T14:37:19.037299-0600"}}');
    expect(event).toEqual({
      ts: new Date('2018-03-24T20:37:19.037Z'), tsFromSource: true,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'alert',
      eventClass: 'alert', category: 'ids', severity: 'MEDIUM',
      srcIp: '0.0.0.0', srcPort: 26078, dstIp: '10.47.8.150', dstPort: 22,
      transport: 'tcp', appProtocol: null, communityId: null,
      signature: 'ET SCAN Potential SSH Scan', signatureId: '2001219', attackIds: [],
      ...NO_OT,
      message: 'ET SCAN Potential SSH Scan', sensorEventId: null, raw: record,
    });
    expect(event.raw).toBe(record);
  });

  it('alert on a Modbus flow: severity 1 HIGH, ATT&CK ids from metadata and tags, OT fields from the modbus object', () => {
    const { record, event } = parse('{"timestamp":"2024-05-01T08:00:00.250000+0000","event_type":"alert","src_ip":"10.10.1.5","src_port":50122,"dest_ip":"10.20.0.10","dest_port":502,"proto":"TCP","app_proto":"modbus","community_id":"1:hTSn6bHTkDqjC0V+nnZnpiBJbWY=","alert":{"signature_id":9000001,"signature":"OT Modbus write multiple registers to PLC","severity":1,"metadata":{"mitre_technique_id":["T0855"],"mitre_tactic_id":["TA0104"],"tags":["attack.t0836","attack.T0855"]}},"modbus":{"id":1,"request":{"transaction_id":3,"protocol_id":0,"unit_id":1,"function_raw":16,"function_code":"WrMultRegs","access_type":"WRITE | HOLDING","category":"PUBLIC_ASSIGNED","error_flags":"NONE","write":{"address":0,"quantity":2,"data":"00010002"}}}}');
    expect(event).toEqual({
      ts: new Date('2024-05-01T08:00:00.250Z'), tsFromSource: true,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'alert',
      eventClass: 'alert', category: 'ids', severity: 'HIGH',
      srcIp: '10.10.1.5', srcPort: 50122, dstIp: '10.20.0.10', dstPort: 502,
      transport: 'tcp', appProtocol: 'modbus', communityId: '1:hTSn6bHTkDqjC0V+nnZnpiBJbWY=',
      signature: 'OT Modbus write multiple registers to PLC', signatureId: '9000001', attackIds: ['T0855', 'T0836'],
      otProtocol: 'modbus', otFunction: 'WRITE_MULTIPLE_REGISTERS', otFunctionCode: 16, otUnitId: 1, otOperation: 'write',
      message: 'OT Modbus write multiple registers to PLC', sensorEventId: null, raw: record,
    });
  });

  it('flow (corpus, suricata-verify): no timestamp, so ts is receivedAt and tsFromSource is false', () => {
    const { record, event } = parse('{"app_proto":"http","dest_ip":"172.16.188.115","dest_port":80,"event_type":"flow","flow":{"age":0,"alerted":true,"bytes_toclient":108,"bytes_toserver":262,"pkts_toclient":2,"pkts_toserver":3,"reason":"shutdown","state":"established"},"proto":"TCP","src_ip":"192.168.237.128","src_port":60078,"tcp":{"ack":true,"psh":true,"state":"established","syn":true,"tcp_flags":"1a","tcp_flags_tc":"12","tcp_flags_ts":"1a"}}');
    expect(event).toEqual({
      ts: RECEIVED_AT, tsFromSource: false,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'flow',
      eventClass: 'flow', category: null, severity: 'INFO',
      srcIp: '192.168.237.128', srcPort: 60078, dstIp: '172.16.188.115', dstPort: 80,
      transport: 'tcp', appProtocol: 'http', communityId: null,
      signature: null, signatureId: null, attackIds: [], ...NO_OT,
      message: null, sensorEventId: null, raw: record,
    });
  });

  it('dns (corpus, suricata-verify): category dns, message is the query name', () => {
    const { record, event } = parse('{"dest_ip":"192.168.2.1","dest_port":53,"dns":{"id":16995,"queries":[{"rrname":"ipv6.google.com","rrtype":"AAAA"}],"tx_id":0,"type":"request"},"event_type":"dns","pcap_cnt":21,"proto":"UDP","src_ip":"192.168.2.16","src_port":1920}');
    expect(event).toEqual({
      ts: RECEIVED_AT, tsFromSource: false,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'dns',
      eventClass: 'dns', category: 'dns', severity: 'INFO',
      srcIp: '192.168.2.16', srcPort: 1920, dstIp: '192.168.2.1', dstPort: 53,
      transport: 'udp', appProtocol: 'dns', communityId: null,
      signature: null, signatureId: null, attackIds: [], ...NO_OT,
      message: 'ipv6.google.com', sensorEventId: null, raw: record,
    });
  });

  it('http (corpus, suricata-verify): category proxy, message is method host url', () => {
    const { record, event } = parse('{"dest_ip":"162.2.41.200","dest_port":80,"event_type":"http","http":{"hostname":"www.abcdefghij.com","http_content_type":"text/html","http_method":"GET","http_refer":"http://www.abcdefghij.com/abdeltat/login","length":1483,"protocol":"HTTP/1.1","status":401,"url":"/publication/pub.home/home.html"},"pcap_cnt":14,"proto":"TCP","src_ip":"10.100.0.8","src_port":44270,"tx_id":0}');
    expect(event).toEqual({
      ts: RECEIVED_AT, tsFromSource: false,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'http',
      eventClass: 'http', category: 'proxy', severity: 'INFO',
      srcIp: '10.100.0.8', srcPort: 44270, dstIp: '162.2.41.200', dstPort: 80,
      transport: 'tcp', appProtocol: 'http', communityId: null,
      signature: null, signatureId: null, attackIds: [], ...NO_OT,
      message: 'GET www.abcdefghij.com/publication/pub.home/home.html', sensorEventId: null, raw: record,
    });
  });

  it('tls (corpus, suricata-verify): message is the SNI', () => {
    const { record, event } = parse('{"dest_ip":"151.101.36.133","dest_port":443,"event_type":"tls","pcap_cnt":12,"proto":"TCP","src_ip":"192.168.0.253","src_port":49584,"tls":{"fingerprint":"cc:aa:48:48:66:46:0e:91:53:2c:9c:7c:23:2a:b1:74:4d:29:9d:33","sni":"raw.githubusercontent.com","subject":"C=US, ST=California, L=San Francisco, O=GitHub, Inc., CN=www.github.com","version":"TLS 1.2"}}');
    expect(event).toEqual({
      ts: RECEIVED_AT, tsFromSource: false,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'tls',
      eventClass: 'tls', category: null, severity: 'INFO',
      srcIp: '192.168.0.253', srcPort: 49584, dstIp: '151.101.36.133', dstPort: 443,
      transport: 'tcp', appProtocol: 'tls', communityId: null,
      signature: null, signatureId: null, attackIds: [], ...NO_OT,
      message: 'raw.githubusercontent.com', sensorEventId: null, raw: record,
    });
  });

  it('anomaly (corpus, suricata-verify): LOW, message is type and event', () => {
    const { record, event } = parse('{"anomaly":{"app_proto":"dns","event":"invalid_opcode","layer":"proto_parser","type":"applayer"},"dest_ip":"2.2.2.2","dest_port":53,"event_type":"anomaly","pcap_cnt":1,"proto":"UDP","src_ip":"1.1.1.1","src_port":5333,"tx_id":0}');
    expect(event).toEqual({
      ts: RECEIVED_AT, tsFromSource: false,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'anomaly',
      eventClass: 'anomaly', category: null, severity: 'LOW',
      srcIp: '1.1.1.1', srcPort: 5333, dstIp: '2.2.2.2', dstPort: 53,
      transport: 'udp', appProtocol: null, communityId: null,
      signature: null, signatureId: null, attackIds: [], ...NO_OT,
      message: 'applayer: invalid_opcode', sensorEventId: null, raw: record,
    });
  });

  it('modbus event: a read of holding registers', () => {
    const { record, event } = parse('{"timestamp":"2024-05-01T08:00:02.000000+0000","event_type":"modbus","src_ip":"10.10.1.5","src_port":50123,"dest_ip":"10.20.0.10","dest_port":502,"proto":"TCP","modbus":{"id":7,"request":{"transaction_id":7,"protocol_id":0,"unit_id":3,"function_raw":3,"function_code":"RdHoldRegs","access_type":"READ | HOLDING","category":"PUBLIC_ASSIGNED","error_flags":"NONE","read":{"address":0,"quantity":10}},"response":{"transaction_id":7,"protocol_id":0,"unit_id":3,"function_raw":3,"function_code":"RdHoldRegs","access_type":"READ | HOLDING","category":"PUBLIC_ASSIGNED","error_flags":"NONE","read":{"data":"0000"}}}}');
    expect(event).toEqual({
      ts: new Date('2024-05-01T08:00:02.000Z'), tsFromSource: true,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'modbus',
      eventClass: 'ot', category: null, severity: 'INFO',
      srcIp: '10.10.1.5', srcPort: 50123, dstIp: '10.20.0.10', dstPort: 502,
      transport: 'tcp', appProtocol: 'modbus', communityId: null,
      signature: null, signatureId: null, attackIds: [],
      otProtocol: 'modbus', otFunction: 'READ_HOLDING_REGISTERS', otFunctionCode: 3, otUnitId: 3, otOperation: 'read',
      message: null, sensorEventId: null, raw: record,
    });
  });

  it('dnp3 (corpus, suricata-verify): DELAY_MEASURE request is diagnostic; the outstation is the destination', () => {
    const { record, event } = parse('{"dest_ip":"130.126.140.229","dest_port":20000,"dnp3":{"application":{"complete":true,"control":{"con":false,"fin":true,"fir":true,"sequence":4,"uns":false},"function_code":23},"control":{"dir":true,"fcb":false,"fcv":false,"function_code":4,"pri":true},"dst":2,"src":3,"type":"request"},"event_type":"dnp3","pcap_cnt":5,"proto":"TCP","src_ip":"130.126.142.250","src_port":49413}');
    expect(event).toEqual({
      ts: RECEIVED_AT, tsFromSource: false,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'dnp3',
      eventClass: 'ot', category: null, severity: 'INFO',
      srcIp: '130.126.142.250', srcPort: 49413, dstIp: '130.126.140.229', dstPort: 20000,
      transport: 'tcp', appProtocol: 'dnp3', communityId: null,
      signature: null, signatureId: null, attackIds: [],
      otProtocol: 'dnp3', otFunction: 'DELAY_MEASURE', otFunctionCode: 23, otUnitId: 2, otOperation: 'diagnostic',
      message: null, sensorEventId: null, raw: record,
    });
  });

  it('dnp3 DIRECT_OPERATE is control, and a response names its source as the outstation', () => {
    const operate = parse('{"timestamp":"2024-05-01T08:00:03+0000","event_type":"dnp3","src_ip":"10.10.1.5","src_port":49500,"dest_ip":"10.20.0.12","dest_port":20000,"proto":"TCP","dnp3":{"type":"request","src":1,"dst":10,"application":{"function_code":5,"objects":[]}}}').event;
    expect([operate.otFunction, operate.otFunctionCode, operate.otOperation, operate.otUnitId]).toEqual(['DIRECT_OPERATE', 5, 'control', 10]);
    const response = parse('{"timestamp":"2024-05-01T08:00:03+0000","event_type":"dnp3","src_ip":"10.20.0.12","src_port":20000,"dest_ip":"10.10.1.5","dest_port":49500,"proto":"TCP","dnp3":{"type":"response","src":10,"dst":1,"application":{"function_code":129}}}').event;
    expect([response.otFunction, response.otFunctionCode, response.otOperation, response.otUnitId]).toEqual(['RESPONSE', 129, 'other', 10]);
  });

  it('enip with CIP Set Attributes Single is a write; list_identity is diagnostic', () => {
    const { record, event } = parse('{"timestamp":"2024-05-01T08:00:04.000001+0000","event_type":"enip","src_ip":"10.10.1.5","src_port":50200,"dest_ip":"10.20.0.11","dest_port":44818,"proto":"TCP","app_proto":"enip","enip":{"request":{"command":"send_rr_data","status":"success","cip":{"service":"Set Attributes Single","path":[{"segment_type":"class","value":1},{"segment_type":"instance","value":1}],"class_name":"Identity"}},"response":{"command":"send_rr_data","status":"success","cip":{"service":"unknown-144","status":"Success"}}}}');
    expect(event).toEqual({
      ts: new Date('2024-05-01T08:00:04.000Z'), tsFromSource: true,
      sourceFormat: 'suricata', sourceProduct: 'suricata', sourceLog: 'enip',
      eventClass: 'ot', category: null, severity: 'INFO',
      srcIp: '10.10.1.5', srcPort: 50200, dstIp: '10.20.0.11', dstPort: 44818,
      transport: 'tcp', appProtocol: 'enip', communityId: null,
      signature: null, signatureId: null, attackIds: [],
      otProtocol: 'enip', otFunction: 'Set Attribute Single', otFunctionCode: 0x10, otUnitId: null, otOperation: 'write',
      message: null, sensorEventId: null, raw: record,
    });
    const identity = parse('{"timestamp":"2024-05-01T08:00:05+0000","event_type":"enip","src_ip":"10.10.1.5","src_port":50201,"dest_ip":"10.20.0.11","dest_port":44818,"proto":"UDP","enip":{"request":{"command":"list_identity","status":"success"},"response":{"command":"list_identity","status":"success","identity":{"product_name":"1756-ENBT/A"}}}}').event;
    expect([identity.otProtocol, identity.otFunction, identity.otFunctionCode, identity.otOperation]).toEqual(['enip', 'list_identity', 0x63, 'diagnostic']);
  });

  it.each([
    ['alert', 'alert', 'ids', null], ['flow', 'flow', null, null], ['netflow', 'flow', null, null], ['anomaly', 'anomaly', null, null],
    ['dns', 'dns', 'dns', 'dns'], ['http', 'http', 'proxy', 'http'], ['tls', 'tls', null, 'tls'], ['fileinfo', 'fileinfo', null, null],
    ['modbus', 'ot', null, 'modbus'], ['dnp3', 'ot', null, 'dnp3'], ['enip', 'ot', null, 'enip'], ['ssh', 'ssh', null, 'ssh'],
    ['smb', 'smb', null, 'smb'], ['rdp', 'rdp', null, 'rdp'], ['dcerpc', 'rpc', null, 'dcerpc'], ['krb5', 'auth', null, 'krb5'],
    ['smtp', 'email', null, 'smtp'], ['dhcp', 'dhcp', null, 'dhcp'], ['drop', 'firewall', 'firewall', null], ['stats', 'other', null, null],
    ['bittorrent_dht', 'other', null, 'bittorrent_dht'],
  ])('event_type %s → class %s, category %p, app protocol %p', (type, eventClass, category, app) => {
    const alert = type === 'alert' ? ',"alert":{"signature":"s"}' : '';
    const { event } = parse(`{"event_type":"${type}","timestamp":"2024-05-01T08:00:00Z"${alert}}`);
    expect([event.eventClass, event.category, event.appProtocol]).toEqual([eventClass, category, app]);
  });

  it('stats records are accepted as class other with no network fields', () => {
    const { event } = parse('{"timestamp":"2024-05-01T08:00:08.000000+0000","event_type":"stats","stats":{"uptime":8,"capture":{"kernel_packets":100}}}');
    expect([event.eventClass, event.sourceLog, event.severity, event.srcIp, event.appProtocol]).toEqual(['other', 'stats', 'INFO', null, null]);
  });

  it('severity: 3 LOW, 4 and above INFO, missing reads as Suricata default 3', () => {
    const sev = (s: string) => parse(`{"event_type":"alert","alert":{"signature":"x"${s}}}`).event.severity;
    expect([sev(',"severity":3'), sev(',"severity":4'), sev(',"severity":255'), sev('')]).toEqual(['LOW', 'INFO', 'INFO', 'LOW']);
  });

  it('ATT&CK ids: tactics are not techniques, ids are upper-cased and deduplicated, at most 64 are kept', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `t${String(1000 + i)}`);
    const { event } = parse(JSON.stringify({ event_type: 'alert', alert: { signature: 'x', metadata: { mitre_tactic_id: ['TA0001'], mitre_technique_id: ['T1059.001', 't1059.001', ...ids], signature_severity: ['T9999'] } } }));
    expect(event.attackIds.slice(0, 3)).toEqual(['T1059.001', 'T1000', 'T1001']);
    expect(event.attackIds).toHaveLength(64);
    expect(event.attackIds).not.toContain('T9999'); // not under a mitre/attack/tags key
  });

  it('timestamps without a zone are read as UTC (honeypot-2018 corpus style)', () => {
    expect(parse('{"timestamp":"2019-01-02T03:50:11.315110","event_type":"flow"}').event.ts).toEqual(new Date('2019-01-02T03:50:11.315Z'));
  });

  it.each([
    ['{"event_type":"alert","src_ip":"10.0.0.1"}', 'suricata: alert record has no alert object'],
    ['{"event_type":"flow","src_port":70000}', 'suricata: src_port 70000 is outside 0..65535'],
    ['{"event_type":"flow","dest_port":-1}', 'suricata: dest_port -1 is outside 0..65535'],
    ['{"event_type":"flow","src_ip":"10.0.0.300"}', 'suricata: src_ip "10.0.0.300" is not an IP address'],
    ['{"event_type":"flow","timestamp":"2017-02-30T10:00:00+0000"}', 'suricata: timestamp "2017-02-30T10:00:00+0000" is not a valid date'],
    ['{"event_type":"flow","timestamp":"yesterday"}', 'suricata: timestamp "yesterday" is not an ISO 8601 timestamp'],
    ['{"event_type":"flow","timestamp":"1970-01-01T00:00:00+0000"}', 'suricata: timestamp "1970-01-01T00:00:00+0000" is outside 1990-01-01..2099-12-31'],
    ['{"event_type":"alert","alert":{"signature":"bad\\u0000sig"}}', 'suricata: alert.signature contains a NUL byte'],
    ['{"event_type":"alert","alert":{"severity":"high"}}', 'suricata: alert.severity must be an integer, got string "high"'],
    ['{"event_type":""}', 'suricata: event_type is missing'],
  ])('rejects %s', (line, error) => {
    expect(parseRecord(JSON.parse(line), { format: 'suricata', receivedAt: RECEIVED_AT })).toEqual({ ok: false, error });
  });
});
