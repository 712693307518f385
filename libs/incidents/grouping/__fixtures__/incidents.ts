// Alerts and assets of a small water utility, shared by the grouping tests.
import { IncidentAlertView, IncidentAssetView } from '../incident-types';

export const plantAssets: IncidentAssetView[] = [
  { id: 'a-plc', name: 'Pump station PLC', ip: '10.30.1.11', purdueLevel: 1, criticality: 'CRITICAL' },
  { id: 'a-hmi', name: 'Operator HMI', ip: '10.30.0.20', purdueLevel: 2, criticality: 'HIGH' },
  { id: 'a-erp', name: 'ERP server', ip: '10.10.0.5', purdueLevel: 4, criticality: 'CRITICAL' },
  { id: 'a-hist', name: 'Historian', ip: '10.20.0.5', purdueLevel: 3, criticality: 'HIGH' },
  { id: 'a-laptop', name: 'Finance laptop', ip: '10.10.3.3', purdueLevel: 4, criticality: 'LOW' },
  { id: 'a-rtu', name: 'Remote RTU', ip: null, purdueLevel: null, criticality: 'CRITICAL' },
  { id: 'a-sensor', name: 'Flow meter', ip: '10.30.1.40', purdueLevel: 0, criticality: 'MEDIUM' },
];

export function alert(over: Partial<IncidentAlertView> = {}): IncidentAlertView {
  return {
    id: 'al-1',
    ruleId: 'rule-modbus-write',
    ruleTitle: 'Modbus Coil Write',
    severity: 'MEDIUM',
    ts: new Date('2026-03-02T10:00:00Z'),
    srcIp: '10.10.7.23',
    dstIp: '10.30.1.11',
    srcAssetId: null,
    dstAssetId: null,
    techniques: [],
    ...over,
  };
}
