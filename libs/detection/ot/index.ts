// Built-in OT detections (segmentation, control writes, remote access, unknown hosts, sensor
// silence), the compiled per-tenant OT context they run on, and ATT&CK for ICS names.
export * from './ot-types';
export { compileOtContext } from './ot-context';
export type { OtContext, OtContextResult, OtModelInput, CompiledAllowRule } from './ot-context';
export { evaluateOtDetections, describeEndpoint, isControlLevel } from './ot-detections';
export { applyMaintenance, maintenanceWindowFor } from './maintenance';
export type { MaintainableFinding } from './maintenance';
export { silentSensors, formatDuration, DEFAULT_EXPECTED_INTERVAL_SECONDS, DEFAULT_MISSED_INTERVALS } from './sensor-silence';
export type { SensorHeartbeat } from './sensor-silence';
export { parseIp, parseCidr, cidrContains, buildPrefixTable, ipKey } from '../ip-address';
export type { IpAddress, CidrBlock, PrefixTable, PrefixEntry } from '../ip-address';
export { canonicalProtocol, conduitAdmits, remoteServiceOf, protocolLabel, APP_PROTOCOLS } from './protocols';
export { attackIcsTechnique, attackIcsLabel, attackIcsTechniqueIds, buildAttackIcsTable } from './attack-ics';
export type { AttackIcsTechnique, AttackIcsTable } from './attack-ics';
