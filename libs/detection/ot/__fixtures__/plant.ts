// A small water utility: corporate IT, a site operations zone (level 3), SCADA (level 2), a pump
// station cell (level 1) and a safety subnet nested inside the SCADA range.
import { OtAsset, OtConduit, OtEventView, OtZone } from '../ot-types';

export const zones: OtZone[] = [
  { id: 'z-corp', name: 'Corporate IT', purdueLevel: 4, cidrs: ['10.10.0.0/16', '2001:db8:10::/48'] },
  { id: 'z-ops', name: 'Site operations', purdueLevel: 3, cidrs: ['10.20.0.0/24'] },
  { id: 'z-scada', name: 'SCADA control', purdueLevel: 2, cidrs: ['10.30.0.0/24', '2001:db8:30::/48'] },
  { id: 'z-cell', name: 'Pump station cell', purdueLevel: 1, cidrs: ['10.30.1.0/24'] },
  { id: 'z-safety', name: 'Safety system', purdueLevel: 1, cidrs: ['10.30.0.128/25'] },
];

export const conduits: OtConduit[] = [
  { id: 'c-ops-scada-modbus', fromZoneId: 'z-ops', toZoneId: 'z-scada', protocol: 'modbus', ports: null },
  { id: 'c-scada-cell-502', fromZoneId: 'z-scada', toZoneId: 'z-cell', protocol: 'tcp', ports: [502] },
  { id: 'c-corp-ops-443', fromZoneId: 'z-corp', toZoneId: 'z-ops', protocol: 'tcp', ports: [443], bidirectional: true },
];

export const assets: OtAsset[] = [
  { id: 'a-plc', name: 'Pump station PLC', ip: '10.30.1.11', purdueLevel: 1, criticality: 'CRITICAL', zoneId: 'z-cell' },
  { id: 'a-hmi', name: 'Operator HMI', ip: '10.30.0.20', purdueLevel: 2, criticality: 'HIGH', zoneId: 'z-scada' },
  { id: 'a-hist', name: 'Historian', ip: '10.20.0.5', purdueLevel: 3, criticality: 'MEDIUM', zoneId: 'z-ops' },
  { id: 'a-ews', name: 'Engineering workstation', ip: '10.20.0.9', purdueLevel: 3, criticality: 'HIGH', zoneId: 'z-ops' },
  { id: 'a-corp-pc', name: 'Finance laptop', ip: '10.10.3.3', purdueLevel: 4, criticality: 'LOW', zoneId: 'z-corp' },
  { id: 'a-sis', name: 'Safety controller', ip: '10.30.0.130', purdueLevel: 1, criticality: 'CRITICAL', zoneId: 'z-safety' },
];

export function flow(overrides: Partial<OtEventView>): OtEventView {
  return {
    ts: new Date('2026-03-02T10:00:00Z'),
    srcIp: null,
    srcPort: 49152,
    dstIp: null,
    dstPort: null,
    transport: 'tcp',
    appProtocol: null,
    otProtocol: null,
    otFunction: null,
    otFunctionCode: null,
    otUnitId: null,
    otOperation: null,
    ...overrides,
  };
}

export function modbusWrite(srcIp: string, dstIp: string, extra: Partial<OtEventView> = {}): OtEventView {
  return flow({
    srcIp,
    dstIp,
    dstPort: 502,
    appProtocol: 'modbus',
    otProtocol: 'modbus',
    otFunction: 'WRITE_SINGLE_REGISTER',
    otFunctionCode: 6,
    otUnitId: 1,
    otOperation: 'write',
    ...extra,
  });
}
