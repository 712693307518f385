import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Criticality } from '@watchfloor/inventory';
import { IncidentStatus, Severity } from '@watchfloor/triage';
import { type DurationStats, INCIDENT_STATUSES, SEVERITIES, type SlaFigures, type TenantSummary } from './summary.types';

export enum ReportStatus { QUEUED = 'QUEUED', RUNNING = 'RUNNING', READY = 'READY', FAILED = 'FAILED' }
export enum ReportKind { ON_DEMAND = 'ON_DEMAND', SCHEDULED = 'SCHEDULED' }
export enum ReportFormat { PDF = 'PDF', CSV = 'CSV', JSON = 'JSON' }
registerEnumType(ReportStatus, { name: 'ReportStatus' });
registerEnumType(ReportKind, { name: 'ReportKind', description: 'ON_DEMAND (generateReport) or SCHEDULED (the monthly report).' });
registerEnumType(ReportFormat, { name: 'ReportFormat' });

@ObjectType('ReportArtifact', { description: 'One produced file of a READY report.' })
export class ReportArtifactObject {
  @Field(() => ReportFormat) format: ReportFormat;
  @Field(() => Int) sizeBytes: number;
  @Field({ description: 'SHA-256 of the bytes, hex.' }) sha256: string;
  @Field({ description: 'GET it with the same bearer token: /reports/:id/download?format=pdf|csv|json' }) downloadPath: string;
}

@ObjectType('Report', { description: "A period report of one tenant; its files are downloaded from downloadPath once READY." })
export class ReportObject {
  @Field(() => ID) id: string;
  @Field(() => ID) tenantId: string;
  @Field(() => Date, { description: 'Period start (inclusive).' }) from: Date;
  @Field(() => Date, { description: 'Period end (exclusive).' }) to: Date;
  @Field(() => ReportStatus) status: ReportStatus;
  @Field(() => ReportKind) kind: ReportKind;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it FAILED (SOC staff only; null for customers).' }) error: string | null;
  @Field(() => [ReportArtifactObject], { description: 'Formats available (empty until READY) with their sizes.' }) formats: ReportArtifactObject[];
}

@ObjectType('SeverityCount')
export class SeverityCountObject {
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) count: number;
}

@ObjectType('IncidentStatusCount')
export class StatusCountObject {
  @Field(() => IncidentStatus) status: IncidentStatus;
  @Field(() => Int) count: number;
}

@ObjectType('SummaryIncidentCounts')
export class IncidentCountsObject {
  @Field(() => Int) total: number;
  @Field(() => [SeverityCountObject]) bySeverity: SeverityCountObject[];
  @Field(() => [StatusCountObject]) byStatus: StatusCountObject[];
}

@ObjectType('SummaryDay', { description: 'One calendar day in the tenant zone.' })
export class DayObject {
  @Field({ description: 'YYYY-MM-DD in the tenant zone.' }) day: string;
  @Field(() => Int) opened: number;
  @Field(() => [SeverityCountObject]) openedBySeverity: SeverityCountObject[];
  @Field(() => Int) resolved: number;
  @Field(() => Float, { nullable: true }) meanTimeToAcknowledgeSeconds: number | null;
  @Field(() => Float, { nullable: true }) meanTimeToResolveSeconds: number | null;
  @Field(() => Int) timeToAcknowledgeCount: number;
  @Field(() => Int) timeToResolveCount: number;
}

@ObjectType('SeverityDuration')
export class SeverityDurationObject {
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) count: number;
  @Field(() => Float, { nullable: true }) meanSeconds: number | null;
  @Field(() => Float, { nullable: true }) medianSeconds: number | null;
}

@ObjectType('ResponseTimes', { description: 'Mean and median of per-incident durations (MTTA or MTTR); null when no incident has the figure.' })
export class ResponseTimesObject {
  @Field(() => Int) count: number;
  @Field(() => Float, { nullable: true }) meanSeconds: number | null;
  @Field(() => Float, { nullable: true }) medianSeconds: number | null;
  @Field(() => [SeverityDurationObject]) bySeverity: SeverityDurationObject[];
}

@ObjectType('SeveritySla')
export class SeveritySlaObject {
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) withDueTime: number;
  @Field(() => Int) compliant: number;
  @Field(() => Float, { nullable: true }) compliancePercent: number | null;
  @Field(() => Int) acknowledgeBreaches: number;
  @Field(() => Int) resolveBreaches: number;
}

@ObjectType('SlaSummary')
export class SlaSummaryObject {
  @Field(() => Int) withDueTime: number;
  @Field(() => Int) compliant: number;
  @Field(() => Float, { nullable: true }) compliancePercent: number | null;
  @Field(() => Int) acknowledgeBreaches: number;
  @Field(() => Int) resolveBreaches: number;
  @Field(() => [SeveritySlaObject]) bySeverity: SeveritySlaObject[];
}

@ObjectType('FalsePositiveRate')
export class FalsePositivesObject {
  @Field(() => Int) falsePositive: number;
  @Field(() => Int, { description: 'RESOLVED + CLOSED + FALSE_POSITIVE.' }) concluded: number;
  @Field(() => Float, { nullable: true }) ratePercent: number | null;
}

@ObjectType('RuleAlertCount')
export class RuleCountObject {
  @Field() ruleRef: string;
  @Field() title: string;
  @Field(() => String, { nullable: true, description: 'Rule author, credited as the Sigma licence asks.' }) author: string | null;
  @Field(() => Int) alerts: number;
}

@ObjectType('TechniqueCount')
export class TechniqueCountObject {
  @Field({ description: 'ATT&CK technique id.' }) id: string;
  @Field(() => String, { nullable: true, description: 'ATT&CK for ICS name (© MITRE); null outside that matrix.' }) name: string | null;
  @Field(() => Int) incidents: number;
}

@ObjectType('AssetIncidentCount')
export class AssetCountObject {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Criticality) criticality: Criticality;
  @Field(() => String, { nullable: true }) zone: string | null;
  @Field(() => Int) incidents: number;
}

@ObjectType('ZoneSummary')
export class ZoneFiguresObject {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Int) purdueLevel: number;
  @Field(() => Int) assets: number;
  @Field(() => Int) incidents: number;
  @Field(() => Int) segmentationViolations: number;
}

@ObjectType('SegmentationViolation')
export class SegmentationViolationObject {
  @Field(() => ID) alertId: string;
  @Field(() => Date) createdAt: Date;
  @Field(() => Severity) severity: Severity;
  @Field(() => String, { nullable: true }) srcIp: string | null;
  @Field(() => String, { nullable: true }) dstIp: string | null;
  @Field() title: string;
}

@ObjectType('OtSummary')
export class OtSummaryObject {
  @Field(() => Int) segmentationViolations: number;
  @Field(() => [SegmentationViolationObject]) recentSegmentationViolations: SegmentationViolationObject[];
  @Field(() => [AssetCountObject]) criticalAssetsTouched: AssetCountObject[];
}

@ObjectType('SensorSummary')
export class SensorFiguresObject {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() kind: string;
  @Field(() => Int) events: number;
  @Field(() => Date, { nullable: true }) lastEventAt: Date | null;
  @Field(() => Int) expectedIntervalSeconds: number;
  @Field({ description: 'No event in the last expected interval before the period end.' }) silentAtPeriodEnd: boolean;
}

@ObjectType('SensorDayCount')
export class SensorDayCountObject {
  @Field(() => ID) sensorId: string;
  @Field() day: string;
  @Field(() => Int) events: number;
}

@ObjectType('VulnerabilityCount')
export class VulnerabilityFiguresObject {
  @Field(() => Criticality, { description: 'Criticality of the affected assets.' }) criticality: Criticality;
  @Field(() => Int) unpatched: number;
  @Field(() => Int) mitigated: number;
}

@ObjectType('TenantSummary', { description: 'Figures of one tenant for [from, to), days in the tenant zone (docs/reporting.md defines each).' })
export class TenantSummaryObject {
  @Field(() => ID) tenantId: string;
  @Field(() => Date) from: Date;
  @Field(() => Date) to: Date;
  @Field() timezone: string;
  @Field(() => IncidentCountsObject) incidents: IncidentCountsObject;
  @Field(() => [DayObject]) days: DayObject[];
  @Field(() => ResponseTimesObject) timeToAcknowledge: ResponseTimesObject;
  @Field(() => ResponseTimesObject) timeToResolve: ResponseTimesObject;
  @Field(() => SlaSummaryObject) sla: SlaSummaryObject;
  @Field(() => FalsePositivesObject) falsePositives: FalsePositivesObject;
  @Field(() => [RuleCountObject]) topRules: RuleCountObject[];
  @Field(() => [TechniqueCountObject]) techniques: TechniqueCountObject[];
  @Field(() => [AssetCountObject]) topAssets: AssetCountObject[];
  @Field(() => [ZoneFiguresObject]) zones: ZoneFiguresObject[];
  @Field(() => OtSummaryObject) ot: OtSummaryObject;
  @Field(() => [SensorFiguresObject]) sensors: SensorFiguresObject[];
  @Field(() => [SensorDayCountObject]) eventsPerSensorDay: SensorDayCountObject[];
  @Field(() => [VulnerabilityFiguresObject]) openVulnerabilities: VulnerabilityFiguresObject[];
}

const bySeverity = <T>(record: Record<string, T>) => SEVERITIES.map((s) => ({ severity: s as Severity, value: record[s] }));
const slaOf = (f: SlaFigures) => ({ withDueTime: f.withDueTime, compliant: f.compliant, compliancePercent: f.compliancePercent, acknowledgeBreaches: f.acknowledgeBreaches, resolveBreaches: f.resolveBreaches });
const durationsOf = (d: DurationStats & { bySeverity: Record<string, DurationStats> }): ResponseTimesObject => ({
  count: d.count, meanSeconds: d.meanSeconds, medianSeconds: d.medianSeconds,
  bySeverity: bySeverity(d.bySeverity).map(({ severity, value }) => ({ severity, count: value.count, meanSeconds: value.meanSeconds, medianSeconds: value.medianSeconds })),
});
const counts = (record: Record<string, number>) => bySeverity(record).map(({ severity, value }) => ({ severity, count: value }));
const asset = (a: TenantSummary['topAssets'][number]): AssetCountObject => ({ ...a, criticality: a.criticality as Criticality });

/** The library's summary (records keyed by severity) as GraphQL objects (lists, most severe first). */
export function toSummaryObject(s: TenantSummary): TenantSummaryObject {
  return {
    tenantId: s.tenantId, from: new Date(s.from), to: new Date(s.to), timezone: s.timezone,
    incidents: {
      total: s.incidents.total,
      bySeverity: counts(s.incidents.bySeverity),
      byStatus: INCIDENT_STATUSES.map((st) => ({ status: st as IncidentStatus, count: s.incidents.byStatus[st] })),
    },
    days: s.days.map((d) => ({ ...d, openedBySeverity: counts(d.openedBySeverity) })),
    timeToAcknowledge: durationsOf(s.timeToAcknowledge),
    timeToResolve: durationsOf(s.timeToResolve),
    sla: { ...slaOf(s.sla), bySeverity: bySeverity(s.sla.bySeverity).map(({ severity, value }) => ({ severity, ...slaOf(value) })) },
    falsePositives: { ...s.falsePositives },
    topRules: s.topRules.map((r) => ({ ...r })),
    techniques: s.techniques.map((t) => ({ ...t })),
    topAssets: s.topAssets.map(asset),
    zones: s.zones.map((z) => ({ ...z })),
    ot: {
      segmentationViolations: s.ot.segmentationViolations,
      recentSegmentationViolations: s.ot.recentSegmentationViolations.map((v) => ({ ...v, severity: v.severity as Severity, createdAt: new Date(v.createdAt) })),
      criticalAssetsTouched: s.ot.criticalAssetsTouched.map(asset),
    },
    sensors: s.sensors.map((x) => ({ ...x, lastEventAt: x.lastEventAt ? new Date(x.lastEventAt) : null })),
    eventsPerSensorDay: s.eventsPerSensorDay.map((x) => ({ ...x })),
    openVulnerabilities: s.openVulnerabilities.map((v) => ({ ...v, criticality: v.criticality as Criticality })),
  };
}
