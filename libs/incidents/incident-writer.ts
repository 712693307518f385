// Writes the incident side of a detect batch inside the batch's transaction: which incident each
// new OPEN alert joins (libs/incidents/grouping decides), the incident rows, incident_alerts, the
// timeline (incident_activity) and the domain events to emit once the transaction commits.
//
// Linking: besides the grouping key (rule + entity), an alert joins an open incident of the same
// tenant, within the window, that already involves one of its assets or its source address. That
// is what makes a scan, a segmentation violation and a Modbus write from one host against one PLC
// one incident instead of four. It can be turned off per tenant (settings.incidents.linkByEntity).
// Because linking crosses grouping keys, incident decisions take one advisory lock per tenant
// (pg_advisory_xact_lock(hashtext('wf:incidents:' || tenant))), not one per key.
import type { IncidentEventType } from '@watchfloor/queue';
import { setSpanAttributes, withSpan } from '@watchfloor/telemetry';
import type { ScopedTx } from '@watchfloor/tenancy';
import {
  aggregateTechniques,
  decideIncidentForAlert,
  groupingKey,
  incidentSeverity,
  incidentSummary,
  incidentTitle,
  severityRank,
  type ClosedIncidentView,
  type IncidentAlertView,
  type IncidentAssetView,
  type IncidentZoneView,
  type OpenIncidentView,
  type Severity,
} from './grouping';

export interface IncidentSettings {
  windowSeconds: number;
  reopenGraceSeconds: number;
  linkByEntity: boolean;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = { windowSeconds: 3600, reopenGraceSeconds: 1800, linkByEntity: true };

/** tenants.settings.incidents → settings; invalid values fall back to the defaults. */
export function incidentSettingsOf(tenantSettings: unknown): IncidentSettings {
  const raw = (tenantSettings as { incidents?: Record<string, unknown> } | null)?.incidents ?? {};
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    windowSeconds: num(raw.windowSeconds, DEFAULT_INCIDENT_SETTINGS.windowSeconds),
    reopenGraceSeconds: num(raw.reopenGraceSeconds, DEFAULT_INCIDENT_SETTINGS.reopenGraceSeconds),
    linkByEntity: typeof raw.linkByEntity === 'boolean' ? raw.linkByEntity : DEFAULT_INCIDENT_SETTINGS.linkByEntity,
  };
}

/** A stored OPEN alert not yet in an incident. */
export interface AlertForIncident extends IncidentAlertView {
  assetIds: string[];
}

export type IncidentChangeKind = 'opened' | 'updated' | 'severity_changed' | 'reopened';

export interface IncidentChange {
  incidentId: string;
  kind: IncidentChangeKind;
  type: IncidentEventType;
  version: number;
}

const EVENT_TYPE: Record<IncidentChangeKind, IncidentEventType> = {
  opened: 'incident.opened',
  updated: 'incident.updated',
  severity_changed: 'incident.severity_changed',
  reopened: 'incident.reopened',
};

interface IncidentRow {
  id: string;
  status: string;
  severity: Severity;
  grouping_key: string;
  window_started_at: Date;
  last_alert_at: Date;
  resolved_at: Date | null;
  asset_ids: string[];
  src_ips: string[];
  version: number;
}

interface Working {
  row: IncidentRow | null; // null: opened in this batch
  id: string | null;
  groupingKey: string;
  windowStartedAt: Date;
  firstAlertAt: Date;
  lastAlertAt: Date;
  assetIds: Set<string>;
  srcIps: Set<string>;
  alerts: AlertForIncident[];
  reopened: boolean;
  /** Position among the batch's incidents: breaks ties between equally recent candidates. */
  order: number;
}

const OPEN = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'AWAITING_CUSTOMER', 'CONTAINED'];
const SAMPLE_LIMIT = 500;

export interface WriteIncidentsInput {
  tenantId: string;
  batchId: string;
  alerts: AlertForIncident[];
  assets: IncidentAssetView[];
  zones: IncidentZoneView[];
  settings: IncidentSettings;
  now: Date;
  techniqueLabel?: (id: string) => string;
  /** Told of each incident this call opens (the caller counts them once its transaction commits). */
  onOpened?: (incident: { incidentId: string; severity: Severity }) => void;
}

function ipText(ip: string): string {
  return ip.replace(/\/(32|128)$/, '');
}

/**
 * Groups the alerts into incidents and writes everything. Call inside the transaction that
 * inserted the alerts; it takes the tenant's incident lock itself and leaves out alerts another
 * writer attached while it waited for the lock. Returns the domain events.
 */
export async function writeIncidentsForAlerts(tx: ScopedTx, input: WriteIncidentsInput): Promise<IncidentChange[]> {
  if (input.alerts.length === 0) return [];
  return withSpan('incidents.write', { 'tenant.id': input.tenantId, 'batch.id': input.batchId, 'alerts.count': input.alerts.length }, async () => {
    const changes = await writeIncidents(tx, input);
    setSpanAttributes({ 'incident.ids': [...new Set(changes.map((c) => c.incidentId))], 'incident.changes': changes.map((c) => c.kind) });
    return changes;
  });
}

async function writeIncidents(tx: ScopedTx, input: WriteIncidentsInput): Promise<IncidentChange[]> {
  const { tenantId, settings, now } = input;
  // The lock serialises the tenant's writers before they read candidates; under it, alerts a
  // concurrent writer attached while this one waited are left out.
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wf:incidents:' || $1::text))`, [tenantId]);
  const unattached = await tx.query<{ id: string }>(`SELECT id FROM alerts WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND incident_id IS NULL`, [
    tenantId,
    input.alerts.map((a) => a.id),
  ]);
  const unattachedIds = new Set(unattached.map((r) => r.id));
  const alerts = input.alerts.filter((a) => unattachedIds.has(a.id)).sort((a, b) => a.ts.getTime() - b.ts.getTime() || (a.id < b.id ? -1 : 1));
  if (alerts.length === 0) return [];
  const keys = [...new Set(alerts.map((a) => groupingKey(a)))];
  const minTs = new Date(Math.min(...alerts.map((a) => a.ts.getTime())) - settings.windowSeconds * 1000);

  const openRows = await tx.query<IncidentRow>(
    `SELECT id, status, severity, grouping_key, window_started_at, last_alert_at, resolved_at, asset_ids::text[] AS asset_ids, src_ips::text[] AS src_ips, version
       FROM incidents WHERE tenant_id = $1 AND status = ANY($2) AND merged_into_id IS NULL AND (last_alert_at >= $3 OR grouping_key = ANY($4))`,
    [tenantId, OPEN, minTs, keys],
  );
  const closedRows = await tx.query<IncidentRow>(
    `SELECT DISTINCT ON (grouping_key) id, status, severity, grouping_key, window_started_at, last_alert_at, resolved_at,
            asset_ids::text[] AS asset_ids, src_ips::text[] AS src_ips, version
       FROM incidents WHERE tenant_id = $1 AND grouping_key = ANY($2) AND status IN ('RESOLVED','CLOSED','FALSE_POSITIVE') AND merged_into_id IS NULL
      ORDER BY grouping_key, coalesce(resolved_at, updated_at) DESC`,
    [tenantId, keys],
  );
  const closedByKey = new Map(closedRows.map((r) => [r.grouping_key, r]));
  const windowMs = settings.windowSeconds * 1000;

  // Incidents indexed by grouping key, asset and source address, so each alert looks only at the
  // incidents it could join instead of scanning all of them.
  const working: Working[] = [];
  const byGroupingKey = new Map<string, Set<Working>>();
  const byAsset = new Map<string, Set<Working>>();
  const bySrcIp = new Map<string, Set<Working>>();
  const indexUnder = (index: Map<string, Set<Working>>, key: string, w: Working) => {
    const set = index.get(key);
    if (set) set.add(w);
    else index.set(key, new Set([w]));
  };
  const indexEntities = (w: Working, assetIds: Iterable<string>, srcIps: Iterable<string>) => {
    for (const a of assetIds) indexUnder(byAsset, a, w);
    for (const ip of srcIps) indexUnder(bySrcIp, ip, w);
  };
  const track = (w: Working) => {
    working.push(w);
    indexUnder(byGroupingKey, w.groupingKey, w);
    indexEntities(w, w.assetIds, w.srcIps);
  };
  const fromRow = (row: IncidentRow, reopened: boolean): Working => ({
    row,
    id: row.id,
    groupingKey: row.grouping_key,
    windowStartedAt: row.window_started_at,
    firstAlertAt: row.window_started_at,
    lastAlertAt: row.last_alert_at,
    assetIds: new Set(row.asset_ids),
    srcIps: new Set(row.src_ips.map(ipText)),
    alerts: [],
    reopened,
    order: working.length,
  });
  for (const row of openRows) track(fromRow(row, false));

  const inWindow = (w: Working, t: number) => t >= w.firstAlertAt.getTime() - windowMs && t <= w.lastAlertAt.getTime() + windowMs;
  /** The most recent accepted incident; on a tie the earlier-tracked one. */
  const latest = (candidates: Iterable<Working>, accept: (w: Working) => boolean = () => true): Working | null => {
    let best: Working | null = null;
    for (const w of candidates) {
      if (!accept(w)) continue;
      const d = best ? w.lastAlertAt.getTime() - best.lastAlertAt.getTime() : 1;
      if (d > 0 || (d === 0 && best && w.order < best.order)) best = w;
    }
    return best;
  };
  function* linkedTo(alert: AlertForIncident): Iterable<Working> {
    for (const a of alert.assetIds) yield* byAsset.get(a) ?? [];
    if (alert.srcIp !== null) yield* bySrcIp.get(alert.srcIp) ?? [];
  }
  const candidateFor = (alert: AlertForIncident, key: string): Working | null => {
    const t = Math.min(alert.ts.getTime(), now.getTime());
    const sameKey = latest(byGroupingKey.get(key) ?? []);
    if (sameKey && (inWindow(sameKey, t) || !settings.linkByEntity)) return sameKey;
    if (settings.linkByEntity) {
      const linked = latest(linkedTo(alert), (w) => inWindow(w, t));
      if (linked) return linked;
    }
    return sameKey;
  };

  for (const alert of alerts) {
    const key = groupingKey(alert);
    const candidate = candidateFor(alert, key);
    const closed = closedByKey.get(key);
    const decision = decideIncidentForAlert({
      alert,
      openIncidentForKey: candidate ? { id: candidate.id ?? `new:${candidate.groupingKey}`, status: 'new', firstAlertAt: candidate.firstAlertAt, lastAlertAt: candidate.lastAlertAt } satisfies OpenIncidentView : null,
      lastClosedIncidentForKey: closed ? ({ id: closed.id, status: closed.status, resolvedAt: closed.resolved_at } satisfies ClosedIncidentView) : null,
      windowSeconds: settings.windowSeconds,
      reopenGraceSeconds: settings.reopenGraceSeconds,
      now,
    });
    const t = new Date(Math.min(alert.ts.getTime(), now.getTime()));
    let target: Working;
    if (decision.action === 'attach' && candidate) {
      target = candidate;
    } else if (decision.action === 'reopen' && closed) {
      target = fromRow(closed, true);
      closedByKey.delete(key);
      track(target);
    } else {
      // open_new, or invalid input (reported in the alert's own incident rather than dropped)
      target = { row: null, id: null, groupingKey: key, windowStartedAt: t, firstAlertAt: t, lastAlertAt: t, assetIds: new Set(), srcIps: new Set(), alerts: [], reopened: false, order: working.length };
      track(target);
    }
    target.alerts.push(alert);
    if (t < target.firstAlertAt) target.firstAlertAt = t;
    if (t > target.lastAlertAt) target.lastAlertAt = t;
    for (const a of alert.assetIds) target.assetIds.add(a);
    if (alert.srcIp) target.srcIps.add(alert.srcIp);
    indexEntities(target, alert.assetIds, alert.srcIp ? [alert.srcIp] : []);
  }

  const changes: IncidentChange[] = [];
  for (const w of working) {
    if (w.alerts.length === 0) continue;
    changes.push(...(await persist(tx, input, w)));
  }
  return changes;
}

/**
 * The title speaks for one alert, chosen by: its severity as raised by the assets it touches (the
 * write to the CRITICAL PLC, not the first probe of a scan), then its own severity, then evidence
 * of techniques (an ATT&CK-tagged alert over a bare policy breach), then the earliest. incidentTitle picks the most
 * severe alert and counts every alert's targets, so the chosen one is handed over as the only
 * CRITICAL alert and the others as INFO (severities used for the title only).
 */
function titleOrder(alerts: IncidentAlertView[], assets: IncidentAssetView[]): IncidentAlertView[] {
  if (alerts.length === 0) return alerts;
  const effect = (a: IncidentAlertView) => severityRank(incidentSeverity([{ severity: a.severity, srcAssetId: a.srcAssetId, dstAssetId: a.dstAssetId }], assets).severity);
  let lead = alerts[0];
  for (const a of alerts.slice(1)) {
    const d =
      effect(a) - effect(lead) ||
      severityRank(a.severity) - severityRank(lead.severity) ||
      (a.techniques?.length ?? 0) - (lead.techniques?.length ?? 0) ||
      lead.ts.getTime() - a.ts.getTime();
    if (d > 0) lead = a;
  }
  return alerts.map((a) => ({ ...a, severity: a === lead ? 'CRITICAL' : 'INFO' }));
}

async function persist(tx: ScopedTx, input: WriteIncidentsInput, w: Working): Promise<IncidentChange[]> {
  const { tenantId, batchId, assets, zones } = input;
  const assetById = new Map(assets.map((a) => [a.id, a]));
  // Older alerts of an existing incident: a bounded sample (most severe first) for title and
  // summary; the severity aggregate below covers all of them.
  let previous: IncidentAlertView[] = [];
  let previousSeverities: { severity: Severity; asset_ids: string[] }[] = [];
  if (w.row) {
    previous = (
      await tx.query<{ id: string; rule_ref: string; rule_title: string; severity: Severity; event_ts: Date; src_ip: string | null; dst_ip: string | null; techniques: string[]; details: Record<string, unknown> }>(
        `SELECT id, rule_ref, rule_title, severity, event_ts, host(src_ip) AS src_ip, host(dst_ip) AS dst_ip, techniques, details FROM alerts
          WHERE tenant_id = $1 AND incident_id = $2
          ORDER BY array_position(ARRAY['CRITICAL','HIGH','MEDIUM','LOW','INFO'], severity), event_ts LIMIT ${SAMPLE_LIMIT}`,
        [tenantId, w.row.id],
      )
    ).map((r) => ({
      id: r.id,
      ruleId: r.rule_ref,
      ruleTitle: r.rule_title,
      severity: r.severity,
      ts: r.event_ts,
      srcIp: r.src_ip,
      dstIp: r.dst_ip,
      techniques: r.techniques,
      srcAssetId: (r.details.srcAssetId as string | undefined) ?? null,
      dstAssetId: (r.details.dstAssetId as string | undefined) ?? null,
      summary: (r.details.summary as string | undefined) ?? null,
      srcZoneId: (r.details.srcZoneId as string | undefined) ?? null,
      dstZoneId: (r.details.dstZoneId as string | undefined) ?? null,
    }));
    previousSeverities = await tx.query(
      `SELECT severity, array_agg(DISTINCT a)::text[] AS asset_ids FROM alerts LEFT JOIN LATERAL unnest(asset_ids) a ON true
        WHERE tenant_id = $1 AND incident_id = $2 GROUP BY severity`,
      [tenantId, w.row.id],
    );
  }
  const all = [...previous, ...w.alerts];
  const severityInput = [
    ...previousSeverities.flatMap((p) => (p.asset_ids.filter(Boolean).length > 0 ? p.asset_ids.filter(Boolean).map((a) => ({ severity: p.severity, dstAssetId: a })) : [{ severity: p.severity }])),
    ...w.alerts.flatMap((a) => (a.assetIds.length > 0 ? a.assetIds.map((id) => ({ severity: a.severity, dstAssetId: id })) : [{ severity: a.severity }])),
  ];
  const involvedAssets = [...w.assetIds].map((id) => assetById.get(id)).filter((a): a is IncidentAssetView => !!a);
  const severity = incidentSeverity(severityInput, involvedAssets);
  const title = incidentTitle({ alerts: titleOrder(all, involvedAssets), assets: involvedAssets, zones });
  const summary = incidentSummary({ alerts: all, assets: involvedAssets, zones, severity, techniqueLabel: input.techniqueLabel });
  const techniques = aggregateTechniques(w.alerts).map((t) => t.id);
  const alertIds = w.alerts.map((a) => a.id);
  const changes: IncidentChange[] = [];
  const activity = async (incidentId: string, kind: string, body: string, visibility: 'INTERNAL' | 'CUSTOMER', data: Record<string, unknown>, dedupKey: string) =>
    tx.query(
      `INSERT INTO incident_activity (tenant_id, incident_id, kind, body, visibility, actor_kind, data, dedup_key)
       VALUES ($1, $2, $3, $4, $5, 'system', $6::jsonb, $7) ON CONFLICT (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING`,
      [tenantId, incidentId, kind, body, visibility, JSON.stringify(data), dedupKey],
    );

  let incidentId: string;
  let version: number;
  if (!w.row) {
    const inserted = await tx.query<{ id: string; version: number }>(
      `INSERT INTO incidents (tenant_id, title, summary, severity, grouping_key, window_started_at, last_alert_at, alert_count, techniques, asset_ids, src_ips)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid[], $11::inet[])
       ON CONFLICT (tenant_id, grouping_key, window_started_at) DO NOTHING RETURNING id, version`,
      [tenantId, title, summary, severity.severity, w.groupingKey, w.windowStartedAt, w.lastAlertAt, w.alerts.length, techniques, [...w.assetIds], [...w.srcIps]],
    );
    if (inserted.length === 0) {
      // Same key and window already written (a re-run after a crash between runs): attach to it.
      const [existing] = await tx.query<IncidentRow>(
        `SELECT id, status, severity, grouping_key, window_started_at, last_alert_at, resolved_at, asset_ids::text[] AS asset_ids, src_ips::text[] AS src_ips, version
           FROM incidents WHERE tenant_id = $1 AND grouping_key = $2 AND window_started_at = $3`,
        [tenantId, w.groupingKey, w.windowStartedAt],
      );
      return persist(tx, input, { ...w, row: existing, id: existing.id });
    }
    incidentId = inserted[0].id;
    version = inserted[0].version;
    await activity(incidentId, 'opened', `Incident opened: ${title}. ${severity.reason}.`, 'CUSTOMER', { severity: severity.severity, alertIds }, `opened:${incidentId}`);
    changes.push({ incidentId, kind: 'opened', type: EVENT_TYPE.opened, version });
    input.onOpened?.({ incidentId, severity: severity.severity });
  } else {
    incidentId = w.row.id;
    const raised = severityRank(severity.severity) > severityRank(w.row.severity);
    const [updated] = await tx.query<{ version: number }>(
      `WITH u AS (UPDATE incidents SET title = $3, summary = $4, severity = CASE WHEN $5 THEN $6 ELSE severity END,
              last_alert_at = greatest(last_alert_at, $7), alert_count = alert_count + $8,
              techniques = ARRAY(SELECT DISTINCT unnest(techniques || $9::text[]) ORDER BY 1),
              asset_ids = ARRAY(SELECT DISTINCT unnest(asset_ids || $10::uuid[])),
              src_ips = ARRAY(SELECT DISTINCT unnest(src_ips || $11::inet[])),
              status = CASE WHEN $12 THEN 'NEW' ELSE status END, resolved_at = CASE WHEN $12 THEN NULL ELSE resolved_at END,
              closed_at = CASE WHEN $12 THEN NULL ELSE closed_at END,
              version = version + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING version) SELECT * FROM u`,
      [tenantId, incidentId, title, summary, raised, severity.severity, w.lastAlertAt, w.alerts.length, techniques, [...w.assetIds], [...w.srcIps], w.reopened],
    );
    version = updated.version;
    if (w.reopened) {
      await activity(incidentId, 'reopened', `Reopened: new activity within the reopen grace period after resolution.`, 'CUSTOMER', { alertIds }, `reopened:${batchId}:${incidentId}`);
      changes.push({ incidentId, kind: 'reopened', type: EVENT_TYPE.reopened, version });
    }
    if (raised) {
      await activity(incidentId, 'severity_raised', `Severity raised from ${w.row.severity} to ${severity.severity}: ${severity.reason}.`, 'CUSTOMER', { from: w.row.severity, to: severity.severity }, `severity:${batchId}:${incidentId}`);
      changes.push({ incidentId, kind: 'severity_changed', type: EVENT_TYPE.severity_changed, version });
    }
    changes.push({ incidentId, kind: 'updated', type: EVENT_TYPE.updated, version });
  }
  await activity(
    incidentId,
    'alert_attached',
    `${w.alerts.length} alert${w.alerts.length === 1 ? '' : 's'} attached: ${[...new Set(w.alerts.map((a) => a.ruleTitle))].slice(0, 5).join('; ')}.`,
    'INTERNAL',
    { batchId, alertIds: alertIds.slice(0, 1000), count: alertIds.length },
    `attach:${batchId}:${incidentId}`,
  );
  await tx.query(`UPDATE alerts SET incident_id = $2 WHERE tenant_id = $1 AND id = ANY($3::uuid[])`, [tenantId, incidentId, alertIds]);
  await tx.query(
    `INSERT INTO incident_alerts (tenant_id, incident_id, alert_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [tenantId, incidentId, alertIds],
  );
  return changes;
}
