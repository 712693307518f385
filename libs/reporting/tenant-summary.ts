import { scopeIncludes, type ScopedTx, isUuid } from '@watchfloor/tenancy';
import { ATTACK_ICS_TECHNIQUE_NAMES } from './attack-ics-technique-names';
import { checkPeriod, periodDays } from './period';
import { ReportingError, ReportingErrorCode } from './reporting.errors';
import {
  ASSET_CRITICALITIES,
  INCIDENT_STATUSES,
  type AssetCount,
  type AssetCriticality,
  type DayFigures,
  type DurationStats,
  type IncidentStatus,
  type Severity,
  type SlaFigures,
  type TenantSummary,
  severityRecord,
} from './summary.types';

export interface SummaryInput {
  tenantId: string;
  from: Date;
  to: Date;
  /** IANA zone the days are counted in (usually tenants.timezone). */
  timezone: string;
}

/** How many entries the "top" lists keep. */
export const TOP_LIMIT = 10;

/**
 * The incidents a report covers: created in [from, to), not merged into another incident, with
 * each one's time to acknowledge and to resolve in whole seconds. The stored business-time
 * figures win; otherwise wall clock (resolve minus paused time), never below zero.
 * Parameters: $1 tenant, $2 from, $3 to.
 */
export const COHORT_SQL = `
  SELECT i.*,
    CASE WHEN i.time_to_acknowledge_seconds IS NOT NULL THEN i.time_to_acknowledge_seconds::numeric
         WHEN i.acknowledged_at IS NOT NULL THEN greatest(0, round(extract(epoch FROM i.acknowledged_at - i.created_at))) END AS tta,
    CASE WHEN i.time_to_resolve_seconds IS NOT NULL THEN i.time_to_resolve_seconds::numeric
         WHEN i.resolved_at IS NOT NULL THEN greatest(0, round(extract(epoch FROM i.resolved_at - i.created_at)) - i.paused_seconds) END AS ttr
  FROM incidents i
  WHERE i.tenant_id = $1 AND i.created_at >= $2 AND i.created_at < $3 AND i.merged_into_id IS NULL`;

/** Outside its scope a transaction sees no rows (RLS), which would read as an empty report: refuse instead. */
export function checkScope(tx: ScopedTx, tenantId: string): void {
  if (!scopeIncludes(tx.scope, tenantId)) throw new ReportingError(ReportingErrorCode.InvalidTenant, `tenant ${tenantId} is outside this transaction's scope`);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

function slaFigures(row: Record<string, unknown> | undefined): SlaFigures {
  const withDueTime = num(row?.with_due);
  const compliant = num(row?.compliant);
  return {
    withDueTime,
    compliant,
    compliancePercent: withDueTime === 0 ? null : (compliant / withDueTime) * 100,
    acknowledgeBreaches: num(row?.ack_breaches),
    resolveBreaches: num(row?.resolve_breaches),
  };
}

function durationStats(row: Record<string, unknown> | undefined, prefix: 'ack' | 'res'): DurationStats {
  return { count: num(row?.[`${prefix}_n`]), meanSeconds: numOrNull(row?.[`${prefix}_mean`]), medianSeconds: numOrNull(row?.[`${prefix}_median`]) };
}

/**
 * The figures of a tenant's period report, computed in Postgres inside the caller's scoped
 * transaction (run it REPEATABLE READ so the CSV written in the same transaction agrees).
 * Every query is tenant-first and bounded by the period on an indexed timestamp.
 */
export async function tenantSummary(tx: ScopedTx, input: SummaryInput): Promise<TenantSummary> {
  const { tenantId } = input;
  if (!isUuid(tenantId)) throw new ReportingError(ReportingErrorCode.InvalidTenant, `not a tenant id: ${JSON.stringify(tenantId)}`);
  checkScope(tx, tenantId);
  const { from, to, timezone } = checkPeriod(input.from, input.to, input.timezone);
  const p = [tenantId, from, to];

  // Counts, timings and SLA per severity and overall, in one pass over the cohort.
  const bySeverityRows = await tx.query(
    `WITH cohort AS (${COHORT_SQL})
     SELECT severity, grouping(severity) AS overall, count(*) AS total,
       count(tta) AS ack_n, round(avg(tta), 3) AS ack_mean, percentile_cont(0.5) WITHIN GROUP (ORDER BY tta) AS ack_median,
       count(ttr) AS res_n, round(avg(ttr), 3) AS res_mean, percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr) AS res_median,
       count(*) FILTER (WHERE acknowledge_due_at IS NOT NULL OR resolve_due_at IS NOT NULL) AS with_due,
       count(*) FILTER (WHERE (acknowledge_due_at IS NOT NULL OR resolve_due_at IS NOT NULL)
                          AND acknowledge_breached_at IS NULL AND resolve_breached_at IS NULL) AS compliant,
       count(*) FILTER (WHERE acknowledge_breached_at IS NOT NULL) AS ack_breaches,
       count(*) FILTER (WHERE resolve_breached_at IS NOT NULL) AS resolve_breaches
     FROM cohort GROUP BY GROUPING SETS ((severity), ())`,
    p,
  );
  const overall = bySeverityRows.find((r) => Number(r.overall) === 1);
  const sevRow = (s: Severity) => bySeverityRows.find((r) => Number(r.overall) === 0 && r.severity === s);

  const statusRows = await tx.query(`WITH cohort AS (${COHORT_SQL}) SELECT status, count(*) AS n FROM cohort GROUP BY status`, p);
  const byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, num(statusRows.find((r) => r.status === s)?.n)])) as Record<IncidentStatus, number>;

  // Opened per day and severity (with the day's mean timings), and resolved per day, in the tenant zone.
  const openedRows = await tx.query(
    `WITH cohort AS (${COHORT_SQL})
     SELECT day, severity, grouping(severity) AS all_sev, count(*) AS n, round(avg(tta), 3) AS tta, round(avg(ttr), 3) AS ttr,
       count(tta) AS tta_n, count(ttr) AS ttr_n
     FROM (SELECT to_char(created_at AT TIME ZONE $4, 'YYYY-MM-DD') AS day, severity, tta, ttr FROM cohort) c
     GROUP BY GROUPING SETS ((day, severity), (day))`,
    [...p, timezone],
  );
  const resolvedRows = await tx.query(
    `SELECT to_char(resolved_at AT TIME ZONE $4, 'YYYY-MM-DD') AS day, count(*) AS n FROM incidents
     WHERE tenant_id = $1 AND resolved_at >= $2 AND resolved_at < $3 AND resolved_at IS NOT NULL AND merged_into_id IS NULL GROUP BY 1`,
    [...p, timezone],
  );
  const days: DayFigures[] = periodDays(from, to, timezone).map((day) => {
    const all = openedRows.find((r) => r.day === day && Number(r.all_sev) === 1);
    return {
      day,
      opened: num(all?.n),
      openedBySeverity: severityRecord((s) => num(openedRows.find((r) => r.day === day && Number(r.all_sev) === 0 && r.severity === s)?.n)),
      resolved: num(resolvedRows.find((r) => r.day === day)?.n),
      meanTimeToAcknowledgeSeconds: numOrNull(all?.tta),
      meanTimeToResolveSeconds: numOrNull(all?.ttr),
      timeToAcknowledgeCount: num(all?.tta_n),
      timeToResolveCount: num(all?.ttr_n),
    };
  });

  const topRules = await tx.query(
    `SELECT rule_ref, rule_title, rule_author, count(*) AS n FROM alerts
     WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
     GROUP BY rule_ref, rule_title, rule_author ORDER BY n DESC, rule_title LIMIT ${TOP_LIMIT}`,
    p,
  );

  const techniqueRows = await tx.query(
    `WITH cohort AS (${COHORT_SQL})
     SELECT t AS technique, count(DISTINCT id) AS n FROM cohort, unnest(techniques) AS t GROUP BY t ORDER BY n DESC, t LIMIT ${TOP_LIMIT}`,
    p,
  );

  // Assets named by the cohort's incidents, with zone and how many incidents touched each.
  const assetRows = await tx.query(
    `WITH cohort AS (${COHORT_SQL}), touched AS (
       SELECT a, count(DISTINCT c.id) AS n FROM cohort c, unnest(c.asset_ids) AS a GROUP BY a)
     SELECT s.id, s.name, s.criticality, z.name AS zone, t.n
     FROM touched t JOIN assets s ON s.tenant_id = $1 AND s.id = t.a LEFT JOIN zones z ON z.tenant_id = $1 AND z.id = s.zone_id
     ORDER BY t.n DESC, s.name`,
    p,
  );
  const toAsset = (r: Record<string, unknown>): AssetCount => ({ id: String(r.id), name: String(r.name), criticality: r.criticality as AssetCriticality, zone: (r.zone as string | null) ?? null, incidents: num(r.n) });

  const zoneRows = await tx.query(
    `WITH cohort AS (${COHORT_SQL}),
     zone_incidents AS (
       SELECT s.zone_id, count(DISTINCT c.id) AS n FROM cohort c, unnest(c.asset_ids) AS a
       JOIN assets s ON s.tenant_id = $1 AND s.id = a WHERE s.zone_id IS NOT NULL GROUP BY s.zone_id),
     violations AS (
       SELECT s.zone_id, count(DISTINCT al.id) AS n FROM alerts al, unnest(al.asset_ids) AS a
       JOIN assets s ON s.tenant_id = $1 AND s.id = a
       WHERE al.tenant_id = $1 AND al.created_at >= $2 AND al.created_at < $3 AND al.rule_ref = 'segmentation_violation' AND s.zone_id IS NOT NULL
       GROUP BY s.zone_id)
     SELECT z.id, z.name, z.purdue_level,
       (SELECT count(*) FROM assets s WHERE s.tenant_id = $1 AND s.zone_id = z.id) AS assets,
       coalesce(zi.n, 0) AS incidents, coalesce(v.n, 0) AS violations
     FROM zones z LEFT JOIN zone_incidents zi ON zi.zone_id = z.id LEFT JOIN violations v ON v.zone_id = z.id
     WHERE z.tenant_id = $1 ORDER BY z.purdue_level, z.name`,
    p,
  );

  const violationRows = await tx.query(
    `SELECT id, created_at, severity, host(src_ip) AS src_ip, host(dst_ip) AS dst_ip, rule_title, count(*) OVER () AS total FROM alerts
     WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND rule_ref = 'segmentation_violation'
     ORDER BY created_at DESC, id LIMIT ${TOP_LIMIT}`,
    p,
  );

  // Sensors: events in the period, and silence at the period end. last_event_at answers quickly
  // when it lies before the expected interval; when it lies after the period end the events
  // table says whether anything arrived in the last interval before it.
  const sensorRows = await tx.query(
    `SELECT s.id, s.name, s.kind, s.last_event_at, s.expected_interval_seconds,
       CASE WHEN s.last_event_at IS NULL OR s.last_event_at < $2::timestamptz - make_interval(secs => s.expected_interval_seconds) THEN true
            WHEN s.last_event_at < $2::timestamptz THEN false
            ELSE NOT EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = $1 AND e.sensor_id = s.id
                               AND e.ts >= $2::timestamptz - make_interval(secs => s.expected_interval_seconds) AND e.ts < $2::timestamptz) END AS silent
     FROM sensors s WHERE s.tenant_id = $1 AND s.created_at < $2::timestamptz ORDER BY s.name`,
    [tenantId, to],
  );
  const eventRows = await tx.query(
    `SELECT sensor_id, to_char(ts AT TIME ZONE $4, 'YYYY-MM-DD') AS day, count(*) AS n FROM events
     WHERE tenant_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1, 2 ORDER BY 1, 2`,
    [...p, timezone],
  );
  const eventsPerSensorDay = eventRows.map((r) => ({ sensorId: String(r.sensor_id), day: String(r.day), events: num(r.n) }));

  const vulnRows = await tx.query(
    `SELECT s.criticality, count(*) FILTER (WHERE v.patch_state = 'UNPATCHED') AS unpatched, count(*) FILTER (WHERE v.patch_state = 'MITIGATED') AS mitigated
     FROM asset_vulnerabilities v JOIN assets s ON s.tenant_id = v.tenant_id AND s.id = v.asset_id
     WHERE v.tenant_id = $1 AND v.patch_state IN ('UNPATCHED', 'MITIGATED') GROUP BY s.criticality`,
    [tenantId],
  );

  const concluded = byStatus.RESOLVED + byStatus.CLOSED + byStatus.FALSE_POSITIVE;
  const assets = assetRows.map(toAsset);
  return {
    tenantId,
    from: from.toISOString(),
    to: to.toISOString(),
    timezone,
    incidents: {
      total: num(overall?.total),
      bySeverity: severityRecord((s) => num(sevRow(s)?.total)),
      byStatus,
    },
    days,
    timeToAcknowledge: { ...durationStats(overall, 'ack'), bySeverity: severityRecord((s) => durationStats(sevRow(s), 'ack')) },
    timeToResolve: { ...durationStats(overall, 'res'), bySeverity: severityRecord((s) => durationStats(sevRow(s), 'res')) },
    sla: { ...slaFigures(overall), bySeverity: severityRecord((s) => slaFigures(sevRow(s))) },
    falsePositives: {
      falsePositive: byStatus.FALSE_POSITIVE,
      concluded,
      ratePercent: concluded === 0 ? null : (byStatus.FALSE_POSITIVE / concluded) * 100,
    },
    topRules: topRules.map((r) => ({ ruleRef: String(r.rule_ref), title: String(r.rule_title), author: (r.rule_author as string | null) ?? null, alerts: num(r.n) })),
    techniques: techniqueRows.map((r) => ({ id: String(r.technique), name: ATTACK_ICS_TECHNIQUE_NAMES[String(r.technique)] ?? null, incidents: num(r.n) })),
    topAssets: assets.slice(0, TOP_LIMIT),
    zones: zoneRows.map((r) => ({ id: String(r.id), name: String(r.name), purdueLevel: num(r.purdue_level), assets: num(r.assets), incidents: num(r.incidents), segmentationViolations: num(r.violations) })),
    ot: {
      segmentationViolations: num(violationRows[0]?.total),
      recentSegmentationViolations: violationRows.map((r) => ({
        alertId: String(r.id),
        createdAt: iso(r.created_at)!,
        severity: r.severity as Severity,
        srcIp: (r.src_ip as string | null) ?? null,
        dstIp: (r.dst_ip as string | null) ?? null,
        title: String(r.rule_title),
      })),
      criticalAssetsTouched: assets.filter((a) => a.criticality === 'CRITICAL'),
    },
    sensors: sensorRows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      kind: String(r.kind),
      events: eventsPerSensorDay.filter((e) => e.sensorId === r.id).reduce((sum, e) => sum + e.events, 0),
      lastEventAt: iso(r.last_event_at),
      expectedIntervalSeconds: num(r.expected_interval_seconds),
      silentAtPeriodEnd: r.silent === true,
    })),
    eventsPerSensorDay,
    openVulnerabilities: ASSET_CRITICALITIES.map((c) => {
      const r = vulnRows.find((v) => v.criticality === c);
      return { criticality: c, unpatched: num(r?.unpatched), mitigated: num(r?.mitigated) };
    }),
  };
}

