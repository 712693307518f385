// The OT detections over real Zeek output: the WRCCDC 2018 Modbus traffic (brimdata
// zed-sample-data, CC BY-SA 4.0), read in place from the shared corpora.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { compileOtContext } from './ot-context';
import { evaluateOtDetections } from './ot-detections';
import { OtConduit, OtEventView } from './ot-types';

const file = path.resolve(__dirname, '../../..', '../shared/corpora/zeek/brimdata-zed-sample-data/zeek-json/modbus.json.gz');
const haveCorpus = fs.existsSync(file);

function zeekModbusEvents(): OtEventView[] {
  return zlib
    .gunzipSync(fs.readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((r) => ({
      ts: new Date(String(r.ts)),
      srcIp: String(r['id.orig_h']),
      srcPort: Number(r['id.orig_p']),
      dstIp: String(r['id.resp_h']),
      dstPort: Number(r['id.resp_p']),
      transport: null,
      appProtocol: 'modbus',
      otProtocol: 'modbus',
      otFunction: String(r.func),
      otOperation: null,
    }));
}

(haveCorpus ? describe : describe.skip)('on real Zeek Modbus records', () => {
  const events = haveCorpus ? zeekModbusEvents() : [];
  const zones = [
    { id: 'z-ot', name: 'Competition OT', purdueLevel: 1, cidrs: ['10.47.0.0/16'] },
    { id: 'z-red', name: 'Red team network', purdueLevel: 4, cidrs: ['10.128.0.0/16'] },
  ];
  const assets = [{ id: 'a-plc', name: 'Competition PLC', ip: '10.47.8.54', purdueLevel: 1, criticality: 'CRITICAL' as const, zoneId: 'z-ot' }];
  const run = (conduits: OtConduit[]) => {
    const r = compileOtContext({ zones, conduits, assets });
    if (!r.ok) throw new Error(r.errors.join('; '));
    return events.flatMap((e) => evaluateOtDetections(r.context, e));
  };

  // Zeek logs responses with the connection's originator as id.orig_h, so every record reads
  // client → PLC, responses included.
  test('every Modbus record from the red team network into the OT zone is a violation', () => {
    expect(events.length).toBeGreaterThan(200);
    const findings = run([]);
    expect(findings.length).toBe(events.length);
    expect(new Set(findings.map((f) => f.detection))).toEqual(new Set(['segmentation_violation']));
    expect(new Set(findings.map((f) => `${f.severity} ${f.fromZoneId}->${f.toZoneId}`))).toEqual(new Set(['HIGH z-red->z-ot']));
    // Flows to the registered PLC group on the asset; flows to unregistered hosts on the source.
    for (const f of findings) expect(f.groupingEntity).toBe(f.dstIp === '10.47.8.54' ? 'a-plc' : f.srcIp);
    expect(findings.some((f) => f.groupingEntity === 'a-plc')).toBe(true);
    expect(findings.some((f) => f.groupingEntity !== 'a-plc')).toBe(true);
  });

  test('a Modbus conduit from that network allows all of it', () => {
    expect(run([{ id: 'c', fromZoneId: 'z-red', toZoneId: 'z-ot', protocol: 'modbus', ports: null }])).toEqual([]);
  });
});
