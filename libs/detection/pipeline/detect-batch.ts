// The detect job: one ingest batch → alerts → incidents, exactly once however often it runs.
//
// 1. Read the batch, the tenant's settings and its events (Scope.tenant).
// 2. Evaluate the tenant's compiled Sigma rule set and the built-in OT detections per event, and
//    feed base-rule matches to the Redis-backed correlation engine.
// 3. In one transaction: insert alerts (ON CONFLICT (tenant_id, dedup_key) DO NOTHING), mark
//    suppressed and maintenance ones, group the new OPEN alerts into incidents under the tenant's
//    incident lock, mark the batch DONE.
// 4. After commit: hand the incident domain events to `emit` (the SLA queue) and publish live
//    changes on `wf:incident-changes`.
import { incidentChangesChannel, publishIncidentChanges, type RedisClient } from '@watchfloor/queue';
import type { CompiledRule } from '@watchfloor/detection/sigma';
import type { CorrelationAlert, CorrelationEngine, CorrelationMatch } from '@watchfloor/detection/correlation';
import {
  applyMaintenance,
  attackIcsLabel,
  evaluateOtDetections,
  silentSensors,
  type MaintainableFinding,
  type MaintenanceWindow,
  type OtFinding,
  type Severity,
} from '@watchfloor/detection/ot';
import { placeholdersOf, type RuleMeta, type TenantRuleCache, type TenantRules } from '@watchfloor/detection/rules';
import { groupingKey, incidentSettingsOf, suppressionMatches, writeIncidentsForAlerts, type AlertForIncident, type IncidentChange, type SuppressionView } from '@watchfloor/incidents';
import { markBatchDetected } from '@watchfloor/ingest';
import { BoundedLabel, counter, withSpan } from '@watchfloor/telemetry';
import { Scope, type ScopedTx, type TenantDb, isUuid } from '@watchfloor/tenancy';
import { createEndpointResolver, type EndpointResolver } from './asset-endpoints';
import { eventField, loadBatch, loadBatchEventRows, toBatchEvent, type BatchEvent } from './batch-events';
import { createOtModelCache, loadTenantBasics, otSettingsOf, type OtModelCache, type TenantOtModel } from './tenant-context';

// Counted once the batch's transaction committed, so a retried batch is not counted twice.
const rulesEvaluated = counter('watchfloor_detection_rules_evaluated_total', 'Rule evaluations (rules × events) by rule kind', ['kind']);
const alertsCreated = counter('watchfloor_alerts_created_total', 'Alerts created, by tenant, severity and disposition', ['tenant', 'severity', 'disposition']);
const incidentsCreated = counter('watchfloor_incidents_created_total', 'Incidents opened, by tenant and severity', ['tenant', 'severity']);
const tenantLabel = new BoundedLabel();

export interface DetectorOptions {
  db: TenantDb;
  redis: RedisClient;
  rules: TenantRuleCache;
  correlation: CorrelationEngine;
  /** Key prefix for the detector's own Redis keys (correlation-alert stash). */
  keyPrefix?: string;
  /** Receives the incident domain events after the batch committed (e.g. adds them to the sla queue). */
  emit?: (tenantId: string, changes: IncidentChange[]) => Promise<void>;
  otModels?: OtModelCache;
}

export interface DetectBatchInput {
  tenantId: string;
  batchId: string;
  /** Wall-clock time of this run (clamps alert times, expires suppressions). */
  now: Date;
  /** Re-run a batch already marked DONE (alerts and incidents stay unique either way). */
  force?: boolean;
}

export interface DetectBatchResult {
  status: 'done' | 'already_done' | 'missing_batch' | 'missing_tenant' | 'invalid_input';
  /** What was wrong with the input (status invalid_input). */
  error?: string;
  events: number;
  sigmaMatches: number;
  otFindings: number;
  correlationAlerts: number;
  alertsInserted: number;
  alertsDuplicate: number;
  suppressed: number;
  maintenance: number;
  incidentChanges: IncidentChange[];
  skippedRules: { sigmaId: string; reason: string }[];
  otModelErrors: string[];
}

interface AlertDraft {
  dedupKey: string;
  meta: RuleMeta;
  severity: Severity;
  eventId: string | null;
  eventTs: Date;
  eventIds: string[];
  eventCount: number;
  srcIp: string | null;
  dstIp: string | null;
  srcAssetId: string | null;
  dstAssetId: string | null;
  srcZoneId: string | null;
  dstZoneId: string | null;
  assetIds: string[];
  techniques: string[];
  groupingEntity: string | null;
  summary: string | null;
  details: Record<string, unknown>;
  fields: Record<string, unknown>;
  disposition: 'OPEN' | 'SUPPRESSED' | 'MAINTENANCE';
  suppressionId: string | null;
  maintenanceWindowId: string | null;
}

const WRITE_OPERATIONS = new Set(['write', 'program', 'control']);

function inputProblem(input: DetectBatchInput): string | null {
  if (!input || typeof input !== 'object') return 'input must be an object';
  if (!isUuid(input.tenantId)) return `tenantId is not a uuid: ${JSON.stringify(input.tenantId)}`;
  if (!isUuid(input.batchId)) return `batchId is not a uuid: ${JSON.stringify(input.batchId)}`;
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) return 'now must be a valid Date';
  return null;
}

function emptyResult(status: DetectBatchResult['status']): DetectBatchResult {
  return { status, events: 0, sigmaMatches: 0, otFindings: 0, correlationAlerts: 0, alertsInserted: 0, alertsDuplicate: 0, suppressed: 0, maintenance: 0, incidentChanges: [], skippedRules: [], otModelErrors: [] };
}

function uniq<T>(xs: (T | null | undefined)[]): T[] {
  return [...new Set(xs.filter((x): x is T => x !== null && x !== undefined))];
}

export interface SensorSilenceResult {
  tenants: number;
  silentSensors: number;
  alertsInserted: number;
  incidentChanges: number;
}

export interface CorrelationSweepResult {
  tenants: number;
  alertsInserted: number;
  incidentChanges: number;
}

export interface Detector {
  detectBatch(input: DetectBatchInput): Promise<DetectBatchResult>;
  raiseSensorSilence(now: Date): Promise<SensorSilenceResult>;
  sweepCorrelations(now: Date): Promise<CorrelationSweepResult>;
}

export function createDetector(options: DetectorOptions): Detector {
  const { db, redis, rules: ruleCache, correlation } = options;
  const keyPrefix = options.keyPrefix ?? 'wf:';
  const otModels = options.otModels ?? createOtModelCache();

  async function detectBatch(input: DetectBatchInput): Promise<DetectBatchResult> {
    const { tenantId, batchId, now } = input;
    const problem = inputProblem(input);
    if (problem) return { ...emptyResult('invalid_input'), error: problem };
    // ---- read ---------------------------------------------------------------------------------
    const loaded = await db.withScope(Scope.tenant(tenantId), async (tx) => {
      const batch = await loadBatch(tx, tenantId, batchId);
      if (!batch) return { kind: 'missing_batch' as const };
      if (batch.status === 'DONE' && !input.force) return { kind: 'already_done' as const };
      const basics = await loadTenantBasics(tx, tenantId);
      if (!basics) return { kind: 'missing_tenant' as const };
      // Committed on its own: a crash leaves the batch DETECTING with the attempt counted.
      await tx.query(`UPDATE ingest_batches SET status = 'DETECTING', detect_attempts = detect_attempts + 1 WHERE tenant_id = $1 AND id = $2 AND status <> 'DONE'`, [tenantId, batchId]);
      return { kind: 'ok' as const, basics, batch };
    });
    if (loaded.kind !== 'ok') return emptyResult(loaded.kind);
    const tenantRules = await ruleCache.get(tenantId, placeholdersOf(loaded.basics.settings));
    const result = emptyResult('done');
    result.skippedRules = tenantRules.skipped;
    const evaluated = { sigma: 0, ot: 0 };
    const created: { severity: Severity; disposition: string }[] = [];
    const opened: Severity[] = [];

    // Everything from here to the commit runs under a per-batch advisory lock: a second worker on
    // the same batch waits, then finds it DONE. (Without it, the worker that lost the race to the
    // correlation engine could commit first and the other would attach the correlation alert in
    // a second incident update: same alerts, but a different incident history.)
    const outcome = await db.withScope(Scope.tenant(tenantId), async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wf:detect-batch:' || $1::text))`, [batchId]);
      created.length = 0; // in case the transaction is run again
      opened.length = 0;
      const current = await loadBatch(tx, tenantId, batchId);
      if (!current || (current.status === 'DONE' && !input.force)) return 'already_done' as const;
      const model = await otModels.get(tx, tenantId, loaded.basics, tenantRules);
      const events = (await loadBatchEventRows(tx, tenantId, current)).map(toBatchEvent);
      result.events = events.length;
      result.otModelErrors = model.errors;
      const endpoints = createEndpointResolver(model.lookup);

      // ---- evaluate -------------------------------------------------------------------------------
      const drafts = new Map<string, AlertDraft>();
      const matches: CorrelationMatch[] = [];
      for (const ev of events) {
        const matched = tenantRules.ruleSet.match(ev.sigma);
        for (const rule of matched) {
          result.sigmaMatches++;
          const meta = tenantRules.ruleMeta.get(rule);
          if (!meta) continue;
          if (tenantRules.correlationInputs.has(rule)) matches.push(correlationMatchOf(rule, meta, ev));
          if (meta.alerting) addDraft(drafts, sigmaDraft(meta, rule, ev, endpoints));
        }
        if (model.context) {
          for (const finding of evaluateOtDetections(model.context, ev.ot)) {
            const builtin = tenantRules.builtins[finding.detection];
            if (!builtin) continue; // built-in rows not registered yet: nothing to attribute alerts to
            result.otFindings++;
            addDraft(drafts, otDraft(builtin.meta, finding, ev, endpoints));
          }
        }
      }
      evaluated.sigma = events.length * tenantRules.ruleMeta.size;
      evaluated.ot = model.context ? events.length * Object.keys(tenantRules.builtins).length : 0;
      const correlationAlerts = await correlate(tenantId, batchId, tenantRules, matches, now);
      const eventsById = new Map(events.map((e) => [e.row.id, e]));
      for (const alert of correlationAlerts) {
        const meta = tenantRules.correlationMeta.get(alert.correlationId);
        // Not standalone: an input of correlations with generate: false only (fed on, not raised).
        if (!meta || !alert.standalone) continue;
        result.correlationAlerts++;
        addDraft(drafts, correlationDraft(meta, alert, eventsById, endpoints));
      }

      // ---- write ----------------------------------------------------------------------------------
      const windows = await loadMaintenanceWindows(tx, tenantId, events);
      const changes = await persistDrafts(tx, { tenantId, activityKey: batchId, drafts: [...drafts.values()], windows, model, settings: loaded.basics.settings, now, result, created, opened });
      await markBatchDetected(tx, batchId);
      return changes;
    });
    if (outcome === 'already_done') return { ...emptyResult('already_done'), skippedRules: result.skippedRules };
    const changes = outcome;
    result.incidentChanges = changes;
    const tenant = tenantLabel.of(tenantId);
    if (evaluated.sigma) rulesEvaluated.inc({ kind: 'sigma' }, evaluated.sigma);
    if (evaluated.ot) rulesEvaluated.inc({ kind: 'ot' }, evaluated.ot);
    for (const a of created) alertsCreated.inc({ tenant, severity: a.severity, disposition: a.disposition });
    for (const severity of opened) incidentsCreated.inc({ tenant, severity });
    await redis.del(stashKey(tenantId, batchId)).catch(() => undefined);

    // ---- after commit ---------------------------------------------------------------------------
    await announce(tenantId, changes);
    return result;
  }

  /** Domain events to the SLA queue and live changes to the API, after the commit. */
  async function announce(tenantId: string, changes: IncidentChange[]): Promise<void> {
    if (changes.length === 0) return;
    if (options.emit) await options.emit(tenantId, changes);
    const at = new Date().toISOString();
    await publishIncidentChanges(
      redis,
      incidentChangesChannel(keyPrefix),
      changes.map((c) => ({ kind: c.kind === 'opened' ? 'CREATED' : 'UPDATED', tenantId, incidentId: c.incidentId, version: c.version, at, activity: null })),
    );
  }

  /**
   * The periodic sensor-silence sweep over every tenant: one `sensor_silence` alert per silent
   * sensor and silence episode (dedup key on the sensor's last_event_at), grouped into incidents
   * like any other alert. Tenants that disabled the built-in rule are skipped.
   */
  async function raiseSensorSilence(now: Date): Promise<SensorSilenceResult> {
    const rows = await db.withScope(Scope.all('sensor silence sweep'), (tx) =>
      tx.query<{ tenant_id: string; id: string; name: string; last_event_at: Date | null; expected_interval_seconds: number | null; created_at: Date; settings: Record<string, unknown> }>(
        `SELECT s.tenant_id, s.id, s.name, s.last_event_at, s.expected_interval_seconds, s.created_at, t.settings
           FROM sensors s JOIN tenants t ON t.id = s.tenant_id ORDER BY s.tenant_id, s.id`,
      ),
    );
    const byTenant = new Map<string, typeof rows>();
    for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r]);
    const out: SensorSilenceResult = { tenants: byTenant.size, silentSensors: 0, alertsInserted: 0, incidentChanges: 0 };
    for (const [tenantId, sensors] of byTenant) {
      const settings = sensors[0].settings ?? {};
      const tenantRules = await ruleCache.get(tenantId, placeholdersOf(settings));
      const builtin = tenantRules.builtins.sensor_silence;
      if (!builtin) continue;
      const findings = silentSensors(
        sensors.map((x) => ({ id: x.id, name: x.name, lastEventAt: x.last_event_at, expectedIntervalSeconds: x.expected_interval_seconds, createdAt: x.created_at })),
        now,
        otSettingsOf(settings, tenantRules),
      );
      if (findings.length === 0) continue;
      out.silentSensors += findings.length;
      const result = emptyResult('done');
      const changes = await db.withScope(Scope.tenant(tenantId), async (tx) => {
        const basics = await loadTenantBasics(tx, tenantId);
        if (!basics) return [];
        const model = await otModels.get(tx, tenantId, basics, tenantRules);
        const endpoints = createEndpointResolver(model.lookup);
        const drafts = findings.map((f) => silenceDraft(builtin.meta, f, now, endpoints));
        return persistDrafts(tx, { tenantId, activityKey: `silence:${now.toISOString().slice(0, 16)}`, drafts, windows: [], model, settings, now, result });
      });
      out.alertsInserted += result.alertsInserted;
      out.incidentChanges += changes.length;
      await announce(tenantId, changes);
    }
    return out;
  }

  function stashKey(tenantId: string, batchId: string): string {
    return `${keyPrefix}detect:corr-alerts:{${tenantId}}:${batchId}`;
  }

  /**
   * The engine decides each window once; a run that fails after observing would lose its
   * correlation alerts on retry. They are stashed per batch in Redis until the batch commits.
   */
  async function correlate(tenantId: string, batchId: string, rules: TenantRules, matches: CorrelationMatch[], now: Date): Promise<CorrelationAlert[]> {
    if (rules.correlations.length === 0) return [];
    const fresh = matches.length > 0 ? await correlation.observe(tenantId, matches, rules.correlations, now) : [];
    const key = stashKey(tenantId, batchId);
    if (fresh.length > 0) {
      await redis.multi().rpush(key, ...fresh.map((a) => JSON.stringify(a))).expire(key, 7 * 24 * 3600).exec();
    }
    const stashed = await redis.lrange(key, 0, -1);
    const byKey = new Map<string, CorrelationAlert>();
    for (const text of stashed) {
      const a = JSON.parse(text) as CorrelationAlert;
      a.windowStart = new Date(a.windowStart);
      a.windowEnd = new Date(a.windowEnd);
      byKey.set(a.dedupKey, a);
    }
    for (const a of fresh) byKey.set(a.dedupKey, a);
    return [...byKey.values()];
  }

  /**
   * Decides correlation windows that only close with time (lt/lte/eq conditions, or windows still
   * waiting for an event of their group) for every tenant with correlations, and writes their
   * alerts like a batch would. Run periodically with wall-clock `now`.
   */
  async function sweepCorrelations(now: Date): Promise<CorrelationSweepResult> {
    const tenants = await db.withScope(Scope.all('correlation sweep'), (tx) => tx.query<{ id: string; settings: Record<string, unknown> }>(`SELECT id, settings FROM tenants ORDER BY id`));
    const out: CorrelationSweepResult = { tenants: 0, alertsInserted: 0, incidentChanges: 0 };
    for (const tenant of tenants) {
      const tenantRules = await ruleCache.get(tenant.id, placeholdersOf(tenant.settings ?? {}));
      if (tenantRules.correlations.length === 0) continue;
      out.tenants++;
      const alerts = await correlation.sweep(tenant.id, tenantRules.correlations, now);
      if (alerts.length === 0) continue;
      const result = emptyResult('done');
      const changes = await db.withScope(Scope.tenant(tenant.id), async (tx) => {
        const basics = await loadTenantBasics(tx, tenant.id);
        if (!basics) return [];
        const model = await otModels.get(tx, tenant.id, basics, tenantRules);
        const endpoints = createEndpointResolver(model.lookup);
        const drafts: AlertDraft[] = [];
        for (const alert of alerts) {
          const meta = tenantRules.correlationMeta.get(alert.correlationId);
          if (meta && alert.standalone) drafts.push(correlationDraft(meta, alert, new Map(), endpoints));
        }
        return persistDrafts(tx, { tenantId: tenant.id, activityKey: `corr-sweep:${now.toISOString().slice(0, 16)}`, drafts, windows: [], model, settings: basics.settings, now, result });
      });
      out.alertsInserted += result.alertsInserted;
      out.incidentChanges += changes.length;
      await announce(tenant.id, changes);
    }
    return out;
  }

  return { detectBatch, raiseSensorSilence, sweepCorrelations };
}

interface PersistInput {
  tenantId: string;
  /** Dedup scope of the timeline's 'alert_attached' entries: the batch id (or the silence sweep's). */
  activityKey: string;
  drafts: AlertDraft[];
  windows: MaintenanceWindow[];
  model: TenantOtModel;
  settings: Record<string, unknown>;
  now: Date;
  result: DetectBatchResult;
  /** Filled for the metrics counted after commit. */
  created?: { severity: Severity; disposition: string }[];
  opened?: Severity[];
}

/**
 * Maintenance and suppressions, alert rows (ON CONFLICT DO NOTHING), suppression counters, and the
 * incidents of the OPEN alerts still outside one. Runs inside the caller's transaction.
 */
async function persistDrafts(tx: ScopedTx, p: PersistInput): Promise<IncidentChange[]> {
  const { tenantId, now, result, model } = p;
  const suppressions = await loadSuppressions(tx, tenantId, now);
  const list = [...p.drafts].sort((a, b) => (a.dedupKey < b.dedupKey ? -1 : 1));
  for (const d of list) classify(d, p.windows, suppressions, now);
  const inserted = await withSpan('detection.write_alerts', { 'tenant.id': tenantId, 'alerts.drafts': list.length }, () => insertAlerts(tx, tenantId, list));
  result.alertsInserted += inserted.length;
  result.alertsDuplicate += list.length - inserted.length;
  const byKey = new Map(list.map((d) => [d.dedupKey, d]));
  const silenced = new Map<string, number>();
  for (const row of inserted) {
    const d = byKey.get(row.dedup_key);
    if (d) p.created?.push({ severity: d.severity, disposition: d.disposition });
    if (d?.disposition === 'SUPPRESSED') {
      result.suppressed++;
      if (d.suppressionId) silenced.set(d.suppressionId, (silenced.get(d.suppressionId) ?? 0) + 1);
    } else if (d?.disposition === 'MAINTENANCE') result.maintenance++;
  }
  for (const [id, n] of silenced) {
    await tx.query(`UPDATE suppressions SET silenced_count = silenced_count + $3, last_silenced_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, n]);
  }
  // Every OPEN alert of these drafts still outside an incident: those just inserted, and any a
  // crashed earlier run left behind. Another worker's committed copies already have incidents.
  const open = list.filter((d) => d.disposition === 'OPEN');
  if (open.length === 0) return [];
  const pending = await tx.query<{ id: string; dedup_key: string }>(
    `SELECT id, dedup_key FROM alerts WHERE tenant_id = $1 AND dedup_key = ANY($2) AND disposition = 'OPEN' AND incident_id IS NULL`,
    [tenantId, open.map((d) => d.dedupKey)],
  );
  // Checked without the tenant's incident lock, so a batch with nothing left to group never waits
  // for it; the writer takes the lock and drops those a concurrent run attached meanwhile.
  if (pending.length === 0) return [];
  const forIncidents: AlertForIncident[] = pending.map((x) => incidentView(x.id, byKey.get(x.dedup_key) as AlertDraft));
  return writeIncidentsForAlerts(tx, {
    tenantId,
    batchId: p.activityKey,
    alerts: forIncidents,
    assets: model.assets.map((a) => ({ id: a.id, name: a.name, ip: a.ip, purdueLevel: a.purdueLevel, criticality: a.criticality })),
    zones: model.zones.map((z) => ({ id: z.id, name: z.name, purdueLevel: z.purdueLevel })),
    settings: incidentSettingsOf(p.settings),
    now,
    techniqueLabel: attackIcsLabel,
    onOpened: (i) => p.opened?.push(i.severity),
  });
}

function addDraft(drafts: Map<string, AlertDraft>, d: AlertDraft): void {
  if (!drafts.has(d.dedupKey)) drafts.set(d.dedupKey, d);
}

function correlationMatchOf(rule: CompiledRule, meta: RuleMeta, ev: BatchEvent): CorrelationMatch {
  return {
    ruleRefs: uniq([meta.ruleRef, rule.id, rule.name]),
    eventId: ev.row.id,
    ts: ev.row.ts,
    fields: (name) => eventField(ev.sigma, name),
  };
}

function eventFields(ev: BatchEvent): Record<string, unknown> {
  return { ...ev.sigma.normalized, ...ev.sigma.raw };
}

function baseDraft(meta: RuleMeta, ev: BatchEvent | null, endpoints: EndpointResolver, srcIp: string | null, dstIp: string | null): AlertDraft {
  const src = endpoints(srcIp);
  const dst = endpoints(dstIp);
  return {
    dedupKey: '',
    meta,
    severity: meta.severity,
    eventId: ev?.row.id ?? null,
    eventTs: ev?.row.ts ?? new Date(0),
    eventIds: ev ? [ev.row.id] : [],
    eventCount: 1,
    srcIp,
    dstIp,
    srcAssetId: src.assetId,
    dstAssetId: dst.assetId,
    srcZoneId: src.zoneId,
    dstZoneId: dst.zoneId,
    assetIds: uniq([dst.assetId, src.assetId]),
    techniques: meta.techniques,
    groupingEntity: null,
    summary: null,
    details: {},
    fields: ev ? eventFields(ev) : {},
    disposition: 'OPEN',
    suppressionId: null,
    maintenanceWindowId: null,
  };
}

function sigmaDraft(meta: RuleMeta, rule: CompiledRule, ev: BatchEvent, endpoints: EndpointResolver): AlertDraft {
  const d = baseDraft(meta, ev, endpoints, ev.row.srcIp, ev.row.dstIp);
  d.dedupKey = `${meta.ruleRef}:${ev.row.id}`;
  d.details = { ruleLevel: rule.level ?? null, otOperation: ev.row.otOperation, signature: ev.row.signature };
  return d;
}

function otDraft(meta: RuleMeta, finding: OtFinding, ev: BatchEvent, endpoints: EndpointResolver): AlertDraft {
  const d = baseDraft(meta, ev, endpoints, finding.srcIp, finding.dstIp);
  d.dedupKey = `${meta.ruleRef}:${ev.row.id}`;
  d.severity = finding.severity;
  d.techniques = finding.techniques;
  d.assetIds = uniq(finding.assetIds);
  d.dstAssetId = finding.targetAssetId ?? d.dstAssetId;
  d.srcZoneId = finding.fromZoneId ?? d.srcZoneId;
  d.dstZoneId = finding.toZoneId ?? d.dstZoneId;
  d.groupingEntity = finding.groupingEntity;
  d.summary = finding.title;
  d.details = { detection: finding.detection, ...finding.details, finding: true };
  (d as AlertDraft & { finding?: OtFinding }).finding = finding;
  return d;
}

function silenceDraft(meta: RuleMeta, finding: OtFinding, now: Date, endpoints: EndpointResolver): AlertDraft {
  const d = baseDraft(meta, null, endpoints, null, null);
  const lastEventAt = (finding.details.lastEventAt as string | null) ?? 'never';
  d.dedupKey = `${meta.ruleRef}:${String(finding.details.sensorId)}:${lastEventAt}`;
  d.eventTs = now;
  d.eventIds = [];
  d.eventCount = 0;
  d.severity = finding.severity;
  d.techniques = finding.techniques;
  d.groupingEntity = finding.groupingEntity;
  d.summary = finding.title;
  d.details = { detection: finding.detection, ...finding.details };
  d.fields = { sensorId: finding.details.sensorId, sensorName: finding.details.sensorName };
  return d;
}

function correlationDraft(meta: RuleMeta, alert: CorrelationAlert, eventsById: Map<string, BatchEvent>, endpoints: EndpointResolver): AlertDraft {
  // Addresses: those every event of the window (as far as this batch holds them) agrees on.
  const inBatch = alert.eventIds.map((id) => eventsById.get(id)).filter((e): e is BatchEvent => !!e);
  const common = (pick: (e: BatchEvent) => string | null) => {
    const values = uniq(inBatch.map(pick));
    return values.length === 1 ? values[0] : null;
  };
  const d = baseDraft(meta, null, endpoints, common((e) => e.row.srcIp), common((e) => e.row.dstIp));
  d.dedupKey = alert.dedupKey;
  d.eventTs = alert.windowEnd;
  // A correlation over correlations counts their alerts, whose ids are dedup keys, not events:
  // alerts.event_ids holds event ids only, the inputs go into the details.
  d.eventIds = alert.eventIds.filter(isUuid);
  const inputAlerts = alert.eventIds.filter((id) => !isUuid(id));
  d.eventCount = alert.eventCount;
  d.details = {
    correlation: { id: alert.correlationId, groupValues: alert.groupValues, windowStart: alert.windowStart, windowEnd: alert.windowEnd, count: alert.count, ...(inputAlerts.length ? { inputAlerts } : {}) },
  };
  d.fields = { ...alert.groupValues };
  return d;
}

async function loadMaintenanceWindows(tx: ScopedTx, tenantId: string, events: BatchEvent[]): Promise<MaintenanceWindow[]> {
  if (events.length === 0) return [];
  const rows = await tx.query<{ id: string; zone_ids: string[]; asset_ids: string[]; starts_at: Date; ends_at: Date; change_ticket: string }>(
    `SELECT id, zone_ids::text[] AS zone_ids, asset_ids::text[] AS asset_ids, starts_at, ends_at, change_ticket FROM maintenance_windows
      WHERE tenant_id = $1 AND starts_at <= $3 AND ends_at > $2`,
    [tenantId, events[0].row.ts, events[events.length - 1].row.ts],
  );
  return rows.map((r) => ({ id: r.id, zoneIds: r.zone_ids, assetIds: r.asset_ids, startsAt: r.starts_at, endsAt: r.ends_at, changeTicket: r.change_ticket }));
}

interface SuppressionRow extends SuppressionView {
  id: string;
}

async function loadSuppressions(tx: ScopedTx, tenantId: string, now: Date): Promise<SuppressionRow[]> {
  const rows = await tx.query<{ id: string; rule_id: string | null; match: Record<string, unknown>; expires_at: Date | null }>(
    `SELECT id, rule_id, match, expires_at FROM suppressions WHERE tenant_id = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at, id`,
    [tenantId, now],
  );
  return rows.map((r) => ({ id: r.id, ruleId: r.rule_id, match: r.match, expiresAt: r.expires_at }));
}

/**
 * What maintenance windows are checked against: an OT finding as it is; a Sigma alert on an OT
 * write/program/control event as a control write to its destination asset or zone (so the Modbus
 * write rule agrees with control_write); other alerts not at all.
 */
function maintenanceSubject(d: AlertDraft): MaintainableFinding | null {
  const finding = (d as AlertDraft & { finding?: OtFinding }).finding;
  if (finding) return finding;
  if (d.meta.kind === 'SIGMA' && WRITE_OPERATIONS.has(String(d.fields.ot_operation ?? ''))) {
    return { detection: 'control_write', severity: d.severity, toZoneId: d.dstZoneId, targetAssetId: d.dstAssetId, details: {} };
  }
  return null;
}

/** Maintenance first (planned work is the better explanation; applyMaintenance decides), then suppressions. */
function classify(d: AlertDraft, windows: MaintenanceWindow[], suppressions: SuppressionRow[], now: Date): void {
  const subject = maintenanceSubject(d);
  const maintained = subject && applyMaintenance(subject, windows, d.eventTs);
  if (subject && maintained?.maintenance) {
    d.disposition = 'MAINTENANCE';
    d.severity = maintained.severity;
    d.maintenanceWindowId = maintained.maintenance.windowId;
    d.details = { ...d.details, severityBeforeMaintenance: subject.severity, changeTicket: maintained.maintenance.changeTicket };
  }
  if (d.disposition !== 'OPEN') return;
  const view = {
    id: d.dedupKey,
    ruleId: d.meta.ruleId,
    ruleTitle: d.meta.title,
    severity: d.severity,
    ts: d.eventTs,
    srcIp: d.srcIp,
    dstIp: d.dstIp,
    srcAssetId: d.srcAssetId,
    dstAssetId: d.dstAssetId,
    techniques: d.techniques,
    groupingEntity: d.groupingEntity,
    srcZoneId: d.srcZoneId,
    dstZoneId: d.dstZoneId,
    fields: d.fields,
  };
  const hit = suppressions.find((s) => suppressionMatches(s, view, now));
  if (hit) {
    d.disposition = 'SUPPRESSED';
    d.suppressionId = hit.id;
  }
}

function incidentView(id: string, d: AlertDraft): AlertForIncident {
  return {
    id,
    ruleId: d.meta.ruleRef,
    ruleTitle: d.meta.title,
    severity: d.severity,
    ts: d.eventTs,
    srcIp: d.srcIp,
    dstIp: d.dstIp,
    srcAssetId: d.srcAssetId,
    dstAssetId: d.dstAssetId,
    techniques: d.techniques,
    groupingEntity: d.groupingEntity,
    summary: d.summary,
    srcZoneId: d.srcZoneId,
    dstZoneId: d.dstZoneId,
    assetIds: d.assetIds,
  };
}

async function insertAlerts(tx: ScopedTx, tenantId: string, list: AlertDraft[]): Promise<{ id: string; dedup_key: string }[]> {
  const out: { id: string; dedup_key: string }[] = [];
  const CHUNK = 2000;
  for (let i = 0; i < list.length; i += CHUNK) {
    const chunk = list.slice(i, i + CHUNK).map((d) => ({
      dedup_key: d.dedupKey,
      rule_id: d.meta.ruleId,
      rule_kind: d.meta.kind,
      rule_ref: d.meta.ruleRef,
      rule_version: d.meta.version,
      rule_title: d.meta.title,
      rule_author: d.meta.author,
      severity: d.severity,
      disposition: d.disposition,
      event_id: d.eventId,
      event_ts: d.eventTs.toISOString(),
      event_count: d.eventCount,
      event_ids: d.eventIds,
      src_ip: d.srcIp,
      dst_ip: d.dstIp,
      asset_ids: d.assetIds,
      techniques: d.techniques,
      grouping_key: groupingKey({ ruleId: d.meta.ruleRef, groupingEntity: d.groupingEntity, dstAssetId: d.dstAssetId, srcAssetId: d.srcAssetId, srcIp: d.srcIp, dstIp: d.dstIp }),
      suppression_id: d.suppressionId,
      maintenance_window_id: d.maintenanceWindowId,
      details: { ...d.details, summary: d.summary, srcAssetId: d.srcAssetId, dstAssetId: d.dstAssetId, srcZoneId: d.srcZoneId, dstZoneId: d.dstZoneId },
    }));
    const rows = await tx.query<{ id: string; dedup_key: string }>(
      `INSERT INTO alerts (tenant_id, dedup_key, rule_id, rule_kind, rule_ref, rule_version, rule_title, rule_author, severity, disposition,
                           event_id, event_ts, event_count, event_ids, src_ip, dst_ip, asset_ids, techniques, grouping_key,
                           suppression_id, maintenance_window_id, details)
       SELECT $1, x.dedup_key, x.rule_id, x.rule_kind, x.rule_ref, x.rule_version, x.rule_title, x.rule_author, x.severity, x.disposition,
              x.event_id, x.event_ts, x.event_count, x.event_ids, x.src_ip, x.dst_ip, x.asset_ids, x.techniques, x.grouping_key,
              x.suppression_id, x.maintenance_window_id, x.details
         FROM jsonb_to_recordset($2::jsonb) AS x(dedup_key text, rule_id uuid, rule_kind text, rule_ref text, rule_version int, rule_title text,
              rule_author text, severity text, disposition text, event_id uuid, event_ts timestamptz, event_count int, event_ids uuid[],
              src_ip inet, dst_ip inet, asset_ids uuid[], techniques text[], grouping_key text, suppression_id uuid, maintenance_window_id uuid, details jsonb)
       ON CONFLICT (tenant_id, dedup_key) DO NOTHING RETURNING id, dedup_key`,
      [tenantId, JSON.stringify(chunk)],
    );
    out.push(...rows);
  }
  return out;
}
