/**
 * The demo's OT attack on Riverside Water (DEMO.md), as the two sensors would report it:
 * Suricata at the IT/OT firewall and Zeek on the Control span port. Records follow the sensors'
 * real output formats (EVE JSON, Zeek JSON logs) and are stamped relative to `now`, so the
 * replay lands in the live window. Northgate gets steady benign traffic that must raise nothing.
 */
const ATTACKER = '10.10.7.23';
const PUMP_PLC = '10.30.0.11';
const C2 = '203.0.113.66';
const SCAN_PORTS = [21, 22, 23, 80, 102, 443, 502, 1911, 2404, 4840, 20000, 44818, 47808];

export interface DemoSensorBatch {
  tenant: string;
  sensor: string;
  records: Record<string, unknown>[];
}

function eveTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

function zeekTime(d: Date): number {
  return Math.round(d.getTime()) / 1000;
}

export function demoAttack(now: Date): DemoSensorBatch[] {
  const at = (secondsBeforeNow: number) => new Date(now.getTime() - secondsBeforeNow * 1000);
  const suricata: Record<string, unknown>[] = [];
  const zeek: Record<string, unknown>[] = [];
  let flow = 1_118_457_000_000;

  // 1. The phished laptop resolves a look-alike domain and beacons out.
  suricata.push({
    timestamp: eveTime(at(240)), flow_id: flow++, event_type: 'dns', src_ip: ATTACKER, src_port: 53211, dest_ip: '10.10.0.2', dest_port: 53, proto: 'UDP',
    dns: { type: 'query', id: 4711, rrname: 'update-riverside-water.top', rrtype: 'A', tx_id: 0 },
  });
  suricata.push({
    timestamp: eveTime(at(235)), flow_id: flow++, event_type: 'alert', src_ip: ATTACKER, src_port: 53211, dest_ip: '10.10.0.2', dest_port: 53, proto: 'UDP', app_proto: 'dns',
    alert: { action: 'allowed', gid: 1, signature_id: 2027758, rev: 3, signature: 'ET DNS Query for .top Domain - Likely Hostile', category: 'Potentially Bad Traffic', severity: 2 },
  });
  suricata.push({
    timestamp: eveTime(at(220)), flow_id: flow++, event_type: 'alert', src_ip: ATTACKER, src_port: 49822, dest_ip: C2, dest_port: 443, proto: 'TCP', app_proto: 'tls',
    alert: { action: 'allowed', gid: 1, signature_id: 2034946, rev: 2, signature: 'ET MALWARE Cobalt Strike Beacon Observed (JA3)', category: 'A Network Trojan was detected', severity: 1,
      metadata: { mitre_tactic_id: ['TA0011'], mitre_technique_id: ['T1071'] } },
  });

  // 2. It scans the Control network: many ports on 10.30.0.0/24 within a minute.
  let i = 0;
  for (const host of [11, 12, 20]) {
    for (const port of SCAN_PORTS) {
      zeek.push({
        _path: 'conn', ts: zeekTime(at(180 - i * 0.5)), uid: `CScan${host}x${port}`, 'id.orig_h': ATTACKER, 'id.orig_p': 40000 + i, 'id.resp_h': `10.30.0.${host}`, 'id.resp_p': port,
        proto: 'tcp', conn_state: port === 502 ? 'SF' : 'REJ', duration: 0.001, orig_bytes: 0, resp_bytes: 0, history: port === 502 ? 'ShAdDaFf' : 'Sr', local_orig: true, local_resp: true,
      });
      i++;
    }
  }

  // 3–4. Modbus/TCP across zones to the pump PLC: read the setpoints, then overwrite them.
  zeek.push({
    _path: 'conn', ts: zeekTime(at(90)), uid: 'CModbusAttack1', 'id.orig_h': ATTACKER, 'id.orig_p': 51502, 'id.resp_h': PUMP_PLC, 'id.resp_p': 502, proto: 'tcp', service: 'modbus',
    duration: 42.1, orig_bytes: 312, resp_bytes: 280, conn_state: 'SF', history: 'ShADadFf', local_orig: true, local_resp: true,
  });
  zeek.push({ _path: 'modbus', ts: zeekTime(at(88)), uid: 'CModbusAttack1', 'id.orig_h': ATTACKER, 'id.orig_p': 51502, 'id.resp_h': PUMP_PLC, 'id.resp_p': 502, tid: 1, unit: 1, func: 'READ_HOLDING_REGISTERS', pdu_type: 'REQ' });
  for (const [n, offset] of [[2, 80], [3, 75], [4, 70]] as const) {
    zeek.push({ _path: 'modbus', ts: zeekTime(at(offset)), uid: 'CModbusAttack1', 'id.orig_h': ATTACKER, 'id.orig_p': 51502, 'id.resp_h': PUMP_PLC, 'id.resp_p': 502, tid: n, unit: 1, func: 'WRITE_MULTIPLE_REGISTERS', pdu_type: 'REQ' });
  }

  // 5. Suricata's ICS signature fires on the same flow.
  suricata.push({
    timestamp: eveTime(at(74)), flow_id: flow++, event_type: 'alert', src_ip: ATTACKER, src_port: 51502, dest_ip: PUMP_PLC, dest_port: 502, proto: 'TCP', app_proto: 'modbus',
    alert: { action: 'allowed', gid: 1, signature_id: 1111007, rev: 2, signature: 'Modbus TCP - Unauthorized Write Request to a PLC', category: 'Attempted Administrator Privilege Gain', severity: 1 },
  });

  // Riverside's normal engineering traffic through the allowed conduit: must raise nothing.
  zeek.push({
    _path: 'conn', ts: zeekTime(at(150)), uid: 'CEngPoll1', 'id.orig_h': '10.20.1.5', 'id.orig_p': 50001, 'id.resp_h': PUMP_PLC, 'id.resp_p': 502, proto: 'tcp', service: 'modbus',
    duration: 1.2, orig_bytes: 48, resp_bytes: 52, conn_state: 'SF', local_orig: true, local_resp: true,
  });

  const northgate: Record<string, unknown>[] = Array.from({ length: 20 }, (_, k) => ({
    _path: 'conn', ts: zeekTime(at(300 - k * 10)), uid: `CNorth${k}`, 'id.orig_h': `172.16.4.${10 + (k % 5)}`, 'id.orig_p': 52000 + k, 'id.resp_h': '172.20.0.5', 'id.resp_p': 443,
    proto: 'tcp', service: 'ssl', duration: 0.4, orig_bytes: 1200, resp_bytes: 5400, conn_state: 'SF', local_orig: true, local_resp: true,
  }));

  return [
    { tenant: 'riverside-water', sensor: 'suricata-it-ot-firewall', records: suricata },
    { tenant: 'riverside-water', sensor: 'zeek-control-span', records: zeek },
    { tenant: 'northgate-mfg', sensor: 'zeek-plant', records: northgate },
  ];
}

/** Sends one sensor's records as NDJSON to the ingest API; returns the ingest response. */
export async function postDemoBatch(ingestUrl: string, key: string, records: Record<string, unknown>[]): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    body: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
