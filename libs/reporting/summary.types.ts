export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'AWAITING_CUSTOMER', 'CONTAINED', 'RESOLVED', 'CLOSED', 'FALSE_POSITIVE'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const ASSET_CRITICALITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type AssetCriticality = (typeof ASSET_CRITICALITIES)[number];

/** Mean and median of per-incident durations in seconds; null when no incident has the figure. */
export interface DurationStats {
  count: number;
  meanSeconds: number | null;
  medianSeconds: number | null;
}

export interface SlaFigures {
  /** Incidents with an acknowledge or resolve due time. */
  withDueTime: number;
  /** Of those, incidents with neither an acknowledge nor a resolve breach. */
  compliant: number;
  /** compliant / withDueTime × 100; null when no incident has a due time. */
  compliancePercent: number | null;
  acknowledgeBreaches: number;
  resolveBreaches: number;
}

export interface DayFigures {
  /** Calendar day in the tenant's time zone, YYYY-MM-DD. */
  day: string;
  opened: number;
  openedBySeverity: Record<Severity, number>;
  resolved: number;
  /** Means over the incidents opened that day (null when none has the figure). */
  meanTimeToAcknowledgeSeconds: number | null;
  meanTimeToResolveSeconds: number | null;
  /** How many of the incidents opened that day the means are over (to weight them into weeks). */
  timeToAcknowledgeCount: number;
  timeToResolveCount: number;
}

export interface RuleCount {
  ruleRef: string;
  title: string;
  author: string | null;
  alerts: number;
}

export interface TechniqueCount {
  id: string;
  /** ATT&CK for ICS name, null for techniques outside that matrix. */
  name: string | null;
  incidents: number;
}

export interface AssetCount {
  id: string;
  name: string;
  criticality: AssetCriticality;
  zone: string | null;
  incidents: number;
}

export interface ZoneFigures {
  id: string;
  name: string;
  purdueLevel: number;
  assets: number;
  incidents: number;
  segmentationViolations: number;
}

export interface SegmentationViolation {
  alertId: string;
  createdAt: string;
  severity: Severity;
  srcIp: string | null;
  dstIp: string | null;
  title: string;
}

export interface SensorDayCount {
  sensorId: string;
  day: string;
  events: number;
}

export interface SensorFigures {
  id: string;
  name: string;
  kind: string;
  events: number;
  lastEventAt: string | null;
  expectedIntervalSeconds: number;
  /** No event in the last expected interval before the period end. */
  silentAtPeriodEnd: boolean;
}

export interface VulnerabilityFigures {
  criticality: AssetCriticality;
  unpatched: number;
  mitigated: number;
}

/** Everything a period report says about one tenant; plain JSON (ISO strings, numbers). */
export interface TenantSummary {
  tenantId: string;
  from: string;
  to: string;
  timezone: string;
  incidents: {
    total: number;
    bySeverity: Record<Severity, number>;
    byStatus: Record<IncidentStatus, number>;
  };
  days: DayFigures[];
  timeToAcknowledge: DurationStats & { bySeverity: Record<Severity, DurationStats> };
  timeToResolve: DurationStats & { bySeverity: Record<Severity, DurationStats> };
  sla: SlaFigures & { bySeverity: Record<Severity, SlaFigures> };
  falsePositives: {
    falsePositive: number;
    /** RESOLVED + CLOSED + FALSE_POSITIVE. */
    concluded: number;
    ratePercent: number | null;
  };
  topRules: RuleCount[];
  techniques: TechniqueCount[];
  topAssets: AssetCount[];
  zones: ZoneFigures[];
  ot: {
    segmentationViolations: number;
    recentSegmentationViolations: SegmentationViolation[];
    criticalAssetsTouched: AssetCount[];
  };
  sensors: SensorFigures[];
  eventsPerSensorDay: SensorDayCount[];
  openVulnerabilities: VulnerabilityFigures[];
}

/** One incident as listed in the CSV and the PDF table. */
export interface IncidentReportRow {
  number: number;
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  timeToAcknowledgeSeconds: number | null;
  timeToResolveSeconds: number | null;
  acknowledgeDueAt: string | null;
  resolveDueAt: string | null;
  acknowledgeBreached: boolean;
  resolveBreached: boolean;
  techniques: string[];
  assets: string[];
}

/** One value per severity. */
export function severityRecord<T>(make: (s: Severity) => T): Record<Severity, T> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, make(s)])) as Record<Severity, T>;
}
