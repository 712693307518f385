// Golden tests for OCSF events, written to the OCSF 1.x schema (schemas/ocsf-schema in the corpora).
import type { ParseOptions } from './normalized-event';
import { parseRecord } from './parse-record';

const RECEIVED_AT = new Date('2026-01-15T12:00:00Z');
const OPTS: ParseOptions = { format: 'auto', receivedAt: RECEIVED_AT };

describe('OCSF golden records', () => {
  it('Detection Finding (2004): finding_info analytic, ATT&CK techniques, severity_id 4 HIGH, metadata.uid as sensorEventId', () => {
    const record = {
      class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, activity_id: 1, type_uid: 200401,
      time: 1718280000123, severity_id: 4, severity: 'High', status_id: 1,
      message: 'Unauthorized Modbus write to PLC-7',
      metadata: { uid: 'f3b1c2d4-0001', version: '1.3.0', product: { name: 'Acme OT Sentinel', vendor_name: 'Acme' } },
      finding_info: {
        uid: 'finding-77', title: 'Unauthorized Modbus write',
        analytic: { uid: 'R-1042', name: 'Modbus write from non-engineering host', type_id: 1 },
        attacks: [{ technique: { uid: 'T0855', name: 'Unauthorized Command Message' }, tactic: { uid: 'TA0104' } },
          { technique: { uid: 'T0836' }, sub_technique: { uid: 'T1059.001' } }],
      },
      src_endpoint: { ip: '10.10.1.5', port: 50122 },
      dst_endpoint: { ip: '10.20.0.10', port: 502 },
      connection_info: { protocol_name: 'TCP', protocol_num: 6, direction_id: 1 },
      app_name: 'modbus',
    };
    const result = parseRecord(record, OPTS);
    expect(result).toEqual({
      ok: true,
      event: {
        ts: new Date('2024-06-13T12:00:00.123Z'), tsFromSource: true,
        sourceFormat: 'ocsf', sourceProduct: 'acme ot sentinel', sourceLog: 'detection_finding',
        eventClass: 'alert', category: 'ids', severity: 'HIGH',
        srcIp: '10.10.1.5', srcPort: 50122, dstIp: '10.20.0.10', dstPort: 502,
        transport: 'tcp', appProtocol: 'modbus', communityId: null,
        signature: 'Modbus write from non-engineering host', signatureId: 'R-1042', attackIds: ['T0855', 'T0836', 'T1059.001'],
        otProtocol: 'modbus', otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null,
        message: 'Unauthorized Modbus write to PLC-7', sensorEventId: 'f3b1c2d4-0001', raw: record,
      },
    });
    expect(result.ok && result.event.raw).toBe(record);
  });

  it('Network Activity (4001): category firewall, transport from protocol_num, no uid', () => {
    const record = {
      class_uid: 4001, category_uid: 4, activity_id: 6, time: 1718280001000, severity_id: 1,
      metadata: { version: '1.1.0', product: { vendor_name: 'AWS', name: 'VPC Flow Logs' } },
      src_endpoint: { ip: '2001:DB8::1', port: 443 }, dst_endpoint: { ip: '2001:db8::2', port: 51000 },
      connection_info: { protocol_num: 17, community_uid: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=' },
      traffic: { bytes: 1200, packets: 3 },
    };
    expect(parseRecord(record, OPTS)).toEqual({
      ok: true,
      event: {
        ts: new Date('2024-06-13T12:00:01.000Z'), tsFromSource: true,
        sourceFormat: 'ocsf', sourceProduct: 'vpc flow logs', sourceLog: 'network_activity',
        eventClass: 'flow', category: 'firewall', severity: 'INFO',
        srcIp: '2001:db8::1', srcPort: 443, dstIp: '2001:db8::2', dstPort: 51000,
        transport: 'udp', appProtocol: null, communityId: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
        signature: null, signatureId: null, attackIds: [],
        otProtocol: null, otFunction: null, otFunctionCode: null, otUnitId: null, otOperation: null,
        message: null, sensorEventId: null, raw: record,
      },
    });
  });

  it.each([
    [0, undefined, 'INFO'], [1, undefined, 'INFO'], [2, undefined, 'LOW'], [3, undefined, 'MEDIUM'], [4, undefined, 'HIGH'],
    [5, undefined, 'CRITICAL'], [6, undefined, 'CRITICAL'], [99, 'critical', 'CRITICAL'], [99, 'Whatever', 'INFO'],
  ])('severity_id %p (severity %p) is %s', (id, text, expected) => {
    const result = parseRecord({ class_uid: 2004, metadata: {}, time: 1718280000000, severity_id: id, severity: text }, OPTS);
    expect(result.ok && result.event.severity).toBe(expected);
  });

  it('an unknown class keeps its class_name in snake case; a DNS Activity maps to category dns', () => {
    const ext = parseRecord({ class_uid: 999001, class_name: 'ICS Command Activity', metadata: {}, time: 1718280000000 }, OPTS);
    expect(ext.ok && [ext.event.sourceLog, ext.event.eventClass, ext.event.sourceProduct]).toEqual(['ics_command_activity', 'other', 'ocsf']);
    const dns = parseRecord({ class_uid: 4003, metadata: {}, time_dt: '2024-06-13T12:00:00Z', query: { hostname: 'x.example' } }, OPTS);
    expect(dns.ok && [dns.event.sourceLog, dns.event.category, dns.event.appProtocol, dns.event.ts.toISOString()]).toEqual(['dns_activity', 'dns', 'dns', '2024-06-13T12:00:00.000Z']);
  });

  it.each([
    [{ class_uid: 2004, metadata: {}, time: '1718280000123' }, 'ocsf: time must be epoch milliseconds (a number)'],
    [{ class_uid: 2004, metadata: {}, time: 1718280000 }, 'ocsf: time 1718280000 is outside 1990-01-01..2099-12-31'],
    [{ class_uid: 2004, metadata: {}, severity_id: 7 }, 'ocsf: severity_id 7 is not an OCSF severity (0-6, 99)'],
    [{ class_uid: 4001, metadata: {}, src_endpoint: { ip: '10.0.0.1', port: 65536 } }, 'ocsf: src_endpoint.port 65536 is outside 0..65535'],
    [{ class_uid: 4001, metadata: { uid: 'a\u0000b' } }, 'ocsf: metadata.uid contains a NUL byte'],
    [{ class_uid: 'x', metadata: {} }, 'ocsf: class_uid must be an integer, got string "x"'],
  ])('rejects %j', (record, error) => {
    expect(parseRecord(record, { ...OPTS, format: 'ocsf' })).toEqual({ ok: false, error });
  });
});
