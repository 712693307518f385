// Types the OT detections consume and produce. The event shape is a local view of libs/normalize's
// NormalizedEvent (fields we read only), so this folder does not depend on the parser library.

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type Criticality = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type OtOperation = 'read' | 'write' | 'program' | 'control' | 'diagnostic' | 'other';

export const SEVERITY_ORDER: readonly Severity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** The NormalizedEvent fields OT detections read. */
export interface OtEventView {
  ts: Date;
  sourceProduct?: string;
  sourceLog?: string;
  eventClass?: string;
  srcIp: string | null;
  srcPort: number | null;
  dstIp: string | null;
  dstPort: number | null;
  transport: string | null;
  appProtocol: string | null;
  otProtocol?: string | null;
  otFunction?: string | null;
  otFunctionCode?: number | null;
  otUnitId?: number | null;
  otOperation?: OtOperation | null;
}

export interface OtZone {
  id: string;
  name: string;
  /** Purdue level 0..5 (0 = physical process, 5 = enterprise network). */
  purdueLevel: number;
  cidrs: string[];
}

export interface OtConduit {
  id: string;
  fromZoneId: string;
  toZoneId: string;
  /** 'any', a transport ('tcp', 'udp', 'icmp') or an application protocol ('modbus', 'dnp3', 'enip', 's7comm', ...). */
  protocol: string;
  /** Destination ports allowed; null = any port. */
  ports: number[] | null;
  bidirectional?: boolean;
}

export interface OtAsset {
  id: string;
  name: string;
  ip: string | null;
  purdueLevel: number | null;
  criticality: Criticality;
  zoneId: string | null;
}

export interface MaintenanceWindow {
  id: string;
  zoneIds: string[];
  assetIds: string[];
  startsAt: Date;
  endsAt: Date;
  changeTicket: string | null;
}

export type OtDetectionName =
  | 'segmentation_violation'
  | 'control_write'
  | 'remote_access'
  | 'unknown_host'
  | 'sensor_silence';

export const OT_DETECTION_NAMES: readonly OtDetectionName[] = [
  'segmentation_violation',
  'control_write',
  'remote_access',
  'unknown_host',
  'sensor_silence',
];

/**
 * Sources allowed to do something to a target. A rule with neither zoneId nor assetId applies to
 * every target. Sources are addresses or CIDRs (`sources`) and/or whole zones (`sourceZoneIds`).
 */
export interface AllowedSourceRule {
  zoneId?: string | null;
  assetId?: string | null;
  sources?: string[];
  sourceZoneIds?: string[];
}

export interface OtDetectionSetting {
  enabled?: boolean;
  /** Replaces the detection's computed severity. */
  severity?: Severity;
}

export interface OtSettings {
  detections?: Partial<Record<OtDetectionName, OtDetectionSetting>>;
  controlWrite?: {
    /** Default true: hosts in level 1–3 zones with a conduit to the target zone may write. */
    allowConduitPeers?: boolean;
    allowedSources?: AllowedSourceRule[];
  };
  remoteAccess?: {
    allowedSources?: AllowedSourceRule[];
  };
  sensorSilence?: {
    /** Used for sensors whose own expected interval is missing or not positive. Default 900 s. */
    defaultExpectedIntervalSeconds?: number;
    /** A sensor is silent after this many expected intervals without events. Default 2. */
    missedIntervals?: number;
  };
}

export interface OtFinding {
  detection: OtDetectionName;
  severity: Severity;
  /** One customer-readable sentence. */
  title: string;
  /** ATT&CK for ICS technique ids (T08xx). */
  techniques: string[];
  /** Known assets involved: the target first, then the source. */
  assetIds: string[];
  targetAssetId: string | null;
  srcIp: string | null;
  dstIp: string | null;
  fromZoneId: string | null;
  toZoneId: string | null;
  /** What the incident layer groups on: the target asset id when known, else the source address. */
  groupingEntity: string;
  details: Record<string, unknown>;
  maintenance?: { windowId: string; changeTicket: string | null };
}
