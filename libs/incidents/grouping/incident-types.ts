// The alert, asset and zone views the incident grouping logic reads. Local types: the worker maps
// its database rows to these, so this folder stays pure and free of the data layer.

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type Criticality = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export const SEVERITIES: readonly Severity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export type IncidentStatus =
  | 'new'
  | 'acknowledged'
  | 'investigating'
  | 'awaiting_customer'
  | 'contained'
  | 'resolved'
  | 'closed'
  | 'false_positive';

/** Statuses in which an incident still takes new alerts. */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['new', 'acknowledged', 'investigating', 'awaiting_customer', 'contained'];

export interface IncidentAlertView {
  id: string;
  ruleId: string;
  ruleTitle: string;
  severity: Severity;
  /** When the detected activity happened (the event time), not when the alert row was written. */
  ts: Date;
  srcIp: string | null;
  dstIp: string | null;
  srcAssetId?: string | null;
  dstAssetId?: string | null;
  techniques?: string[];
  /** Set by detections that know better what to group on (OT findings: unknown host address, sensor id). */
  groupingEntity?: string | null;
  /** A customer-readable sentence for this alert (OT findings carry their title here). */
  summary?: string | null;
  srcZoneId?: string | null;
  dstZoneId?: string | null;
  /** Event fields (original and normalized) that suppressions may match on. */
  fields?: Record<string, unknown>;
}

export interface IncidentAssetView {
  id: string;
  name: string;
  ip: string | null;
  purdueLevel: number | null;
  criticality: Criticality;
}

export interface IncidentZoneView {
  id: string;
  name: string;
  purdueLevel: number;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Accepts the API's upper-case enum ('AWAITING_CUSTOMER') as well as the stored lower-case form. */
export function normalizeStatus(status: string): IncidentStatus | null {
  const s = String(status).toLowerCase() as IncidentStatus;
  return (OPEN_STATUSES as readonly string[]).includes(s) || s === 'resolved' || s === 'closed' || s === 'false_positive' ? s : null;
}
