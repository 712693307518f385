// The SLA of one stored incident: rebuild its clock from the row and its timeline, apply what
// changed (policy assignment, severity re-target, pauses, resolution, reopen), record warnings
// and breaches exactly once, and hand due pages to the escalation code. Idempotent: running it
// twice, or from a delayed job and the sweeper at once, changes nothing the second time.
import { planIncidentPaging, type PagingIncident, type Severity, type SlaAlert } from '@watchfloor/paging';
import { isUuid, type ScopedTx } from '@watchfloor/tenancy';
import { addBusinessSeconds, businessTime } from './calendar';
import { createSlaClock, SLA_RESOLVED_STATUSES, type SlaClockState, type SlaPause, type SlaSnapshot, slaSnapshot } from './clock';
import { slaNotificationsDue } from './notifications';
import { activeSlaPolicy, getSlaPolicy, type SlaPolicyRecord, slaPolicyTargets } from './sla-policies';

/** The API's `Incident.sla`. */
export type IncidentSla = Pick<SlaSnapshot,
  'acknowledgeDueAt' | 'resolveDueAt' | 'acknowledgedAt' | 'resolvedAt' | 'acknowledgeBreached' | 'resolveBreached' | 'paused' | 'remainingSeconds'>;

/** The incident fields the snapshot reads (the Incident entity has them all). */
export interface IncidentSlaFields {
  createdAt: Date;
  status: string;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  pausedSince: Date | null;
  pausedSeconds: number;
}

const isResolved = (status: string) => SLA_RESOLVED_STATUSES.includes(status);

/**
 * `Incident.sla` from the stored row and the policy version it carries (null without a policy).
 * Uses the cached pause totals of the row (kept by reconcileIncidentSla), so it needs no timeline.
 */
export function incidentSlaSnapshot(row: IncidentSlaFields, policy: SlaPolicyRecord | null, now: Date): IncidentSla | null {
  if (!policy) return null;
  const base = createSlaClock({ policy: slaPolicyTargets(policy), createdAt: row.createdAt });
  if (!base.ok) return null;
  const pauses: SlaPause[] = [];
  // Closed pauses as one stretch of the same business length right after creation: only their
  // total matters to the resolve clock, and it lies before the open pause.
  if (row.pausedSeconds > 0) pauses.push({ from: row.createdAt, to: addBusinessSeconds(policy.calendar, row.createdAt, row.pausedSeconds) });
  const resolvedAt = isResolved(row.status) ? (row.resolvedAt ?? now) : null;
  if (row.pausedSince && !resolvedAt) pauses.push({ from: row.pausedSince, to: null });
  const state: SlaClockState = { ...base.value, status: row.status, acknowledgedAt: row.acknowledgedAt, resolvedAt, pauses };
  return toIncidentSla(slaSnapshot(state, now));
}

/** What the API shows of a clock snapshot (whole seconds remaining). */
function toIncidentSla(s: SlaSnapshot): IncidentSla {
  return {
    acknowledgeDueAt: s.acknowledgeDueAt,
    resolveDueAt: s.resolveDueAt,
    acknowledgedAt: s.acknowledgedAt,
    resolvedAt: s.resolvedAt,
    acknowledgeBreached: s.acknowledgeBreached,
    resolveBreached: s.resolveBreached,
    paused: s.paused,
    remainingSeconds: s.remainingSeconds === null ? null : Math.round(s.remainingSeconds),
  };
}

export interface IncidentEventHint {
  type: string;
  /** When the change happened (the event's `at`); used as the instant of a pause, resume or reopen. */
  at: Date;
}

export interface ReconcileOptions {
  now: Date;
  event?: IncidentEventHint;
  incidentLink?: (incidentId: string) => string;
}

export interface IncidentSlaOutcome {
  tenantId: string;
  incidentId: string;
  found: boolean;
  policy: { id: string; version: number } | null;
  sla: IncidentSla | null;
  /** Warnings and breaches recorded by this run (each only ever once). */
  notifications: SlaAlert[];
  /** New deliveries: enqueue after commit. */
  deliveryIds: string[];
  /** Next SLA threshold or escalation level: schedule a check then. */
  nextCheckAt: Date | null;
  errors: string[];
}

interface IncidentRow {
  id: string;
  tenant_id: string;
  title: string;
  status: string;
  severity: Severity;
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  techniques: string[];
  asset_ids: string[];
  sla_policy_id: string | null;
}

interface LedgerEntry {
  kind: 'sla_paused' | 'sla_resumed';
  at: Date;
  cause: 'paused' | 'resolved';
  reopened: boolean;
}

const CLOCK_LABEL = { acknowledge: 'Acknowledge', resolve: 'Resolve' } as const;

/**
 * Bring one incident's SLA up to date at `now` and record what fell due. Locks the incident row
 * for the transaction, so concurrent runs for one incident serialise.
 */
export async function reconcileIncidentSla(tx: ScopedTx, tenantId: string, incidentId: string, options: ReconcileOptions): Promise<IncidentSlaOutcome> {
  const { now } = options;
  const outcome: IncidentSlaOutcome = { tenantId, incidentId, found: false, policy: null, sla: null, notifications: [], deliveryIds: [], nextCheckAt: null, errors: [] };
  if (!isUuid(tenantId) || !isUuid(incidentId)) return outcome;
  const [row] = await tx.query<IncidentRow>(
    `SELECT id, tenant_id, title, status, severity, created_at, updated_at, acknowledged_at, resolved_at, techniques, asset_ids, sla_policy_id
     FROM incidents WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
    [tenantId, incidentId],
  );
  if (!row) return outcome;
  outcome.found = true;
  const addActivity = async (kind: string, body: string, data: Record<string, unknown>, dedupKey: string): Promise<boolean> => {
    const inserted = await tx.query(
      `INSERT INTO incident_activity (tenant_id, incident_id, kind, body, data, dedup_key, actor_kind, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'system', $7) ON CONFLICT (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING id`,
      [tenantId, incidentId, kind, body, JSON.stringify(data), dedupKey, now],
    );
    return inserted.length > 0;
  };

  // 1. Which policy version governs the clock.
  let policy: SlaPolicyRecord | null = row.sla_policy_id ? await getSlaPolicy(tx, tenantId, row.sla_policy_id) : null;
  if (!policy) {
    policy = await activeSlaPolicy(tx, tenantId, row.severity);
  } else if (policy.severity !== row.severity) {
    const next = await activeSlaPolicy(tx, tenantId, row.severity);
    if (next && next.id !== policy.id) {
      await addActivity(
        'sla_retargeted',
        `SLA re-targeted to the ${row.severity} policy (v${next.version}): acknowledge ${next.acknowledgeMinutes} min, resolve ${next.resolveMinutes} min from creation`,
        { fromPolicyId: policy.id, fromVersion: policy.version, toPolicyId: next.id, toVersion: next.version, severity: row.severity },
        `sla-retarget:${incidentId}:${next.id}:${(options.event?.at ?? now).getTime()}`,
      );
      // New targets may warn and breach again (notification keys carry the target).
      await tx.query(
        `UPDATE incidents SET acknowledge_warned_at = NULL, resolve_warned_at = NULL, acknowledge_breached_at = NULL, resolve_breached_at = NULL WHERE tenant_id = $1 AND id = $2`,
        [tenantId, incidentId],
      );
      policy = next;
    }
  }

  // 2. The pause ledger (timeline rows), brought in line with the current status.
  const ledgerRows = await tx.query<{ kind: LedgerEntry['kind']; data: { at: string; cause: LedgerEntry['cause']; reopened?: boolean } }>(
    `SELECT kind, data FROM incident_activity WHERE tenant_id = $1 AND incident_id = $2 AND kind IN ('sla_paused','sla_resumed')
     ORDER BY (data->>'at')::timestamptz, created_at, dedup_key`,
    [tenantId, incidentId],
  );
  const ledger: LedgerEntry[] = ledgerRows.map((r) => ({ kind: r.kind, at: new Date(r.data.at), cause: r.data.cause, reopened: r.data.reopened === true }));
  const lastAt = () => (ledger.length ? ledger[ledger.length - 1].at : row.created_at);
  const clampAt = (d: Date) => new Date(Math.min(Math.max(d.getTime(), lastAt().getTime(), row.created_at.getTime()), now.getTime()));
  const resolved = isResolved(row.status);
  const pauseStatuses = policy?.pauseStatuses ?? ['AWAITING_CUSTOMER'];
  const wanted: LedgerEntry['cause'] | null = resolved ? 'resolved' : pauseStatuses.includes(row.status) ? 'paused' : null;
  const open = ledger.length && ledger[ledger.length - 1].kind === 'sla_paused' ? ledger[ledger.length - 1] : null;
  if ((open?.cause ?? null) !== wanted) {
    const hinted = options.event?.at;
    const fallback = resolved ? (row.resolved_at ?? row.updated_at) : row.updated_at;
    const at = clampAt(hinted && Number.isFinite(hinted.getTime()) ? hinted : fallback);
    const append = async (entry: LedgerEntry) => {
      const seq = ledger.length;
      const label = entry.kind === 'sla_paused' ? (entry.cause === 'resolved' ? 'SLA clocks stopped (resolved)' : `SLA resolve clock paused (${row.status})`) : entry.reopened ? 'SLA resolve clock resumed (reopened)' : `SLA resolve clock resumed (${row.status})`;
      await addActivity(entry.kind, label, { at: entry.at.toISOString(), cause: entry.cause, reopened: entry.reopened, status: row.status }, `sla-ledger:${incidentId}:${seq}`);
      ledger.push(entry);
    };
    if (open) await append({ kind: 'sla_resumed', at, cause: open.cause, reopened: open.cause === 'resolved' });
    if (wanted) await append({ kind: 'sla_paused', at, cause: wanted, reopened: false });
  }
  const pauses: SlaPause[] = [];
  for (const e of ledger) {
    if (e.kind === 'sla_paused') pauses.push({ from: e.at, to: null });
    else if (pauses.length && pauses[pauses.length - 1].to === null) pauses[pauses.length - 1] = { from: pauses[pauses.length - 1].from, to: e.at };
  }
  const lastReopen = [...ledger].reverse().find((e) => e.kind === 'sla_resumed' && e.reopened);
  const openedAt = lastReopen ? lastReopen.at : row.created_at;
  const currentPause = ledger.length && ledger[ledger.length - 1].kind === 'sla_paused' ? ledger[ledger.length - 1] : null;
  const resolvedAt = resolved ? (row.resolved_at ?? currentPause?.at ?? now) : null;

  // 3. The clock, its cache on the row, and the notifications due.
  const alerts: SlaAlert[] = [];
  let slaNext: Date | null = null;
  if (policy) {
    const base = createSlaClock({ policy: slaPolicyTargets(policy), createdAt: row.created_at });
    if (!base.ok) {
      outcome.errors.push(`SLA policy ${policy.id} v${policy.version} is unusable: ${base.errors.join('; ')}`);
    } else {
      const ackAt = row.acknowledged_at && row.acknowledged_at < row.created_at ? row.created_at : row.acknowledged_at;
      const state: SlaClockState = { ...base.value, status: row.status, acknowledgedAt: ackAt, resolvedAt, pauses };
      const snap = slaSnapshot(state, now);
      const time = businessTime(policy.calendar);
      let closedPaused = 0;
      for (const p of pauses) if (p.to) closedPaused += time.between(p.from, p.to);
      outcome.policy = { id: policy.id, version: policy.version };
      outcome.sla = toIncidentSla(snap);
      slaNext = snap.nextDeadlineAt;
      await tx.query(
        `UPDATE incidents SET sla_policy_id = $3, sla_policy_version = $4, acknowledge_due_at = $5, resolve_due_at = $6, paused_since = $7, paused_seconds = $8,
                time_to_acknowledge_seconds = $9, time_to_resolve_seconds = $10
         WHERE tenant_id = $1 AND id = $2`,
        [
          tenantId,
          incidentId,
          policy.id,
          policy.version,
          snap.acknowledgeDueAt,
          snap.resolveDueAt,
          currentPause && currentPause.cause === 'paused' ? currentPause.at : null,
          Math.round(closedPaused),
          snap.timeToAcknowledgeSeconds === null ? null : Math.max(0, Math.round(snap.timeToAcknowledgeSeconds)),
          snap.timeToResolveSeconds === null ? null : Math.max(0, Math.round(snap.timeToResolveSeconds)),
        ],
      );

      const sentRows = await tx.query<{ dedup_key: string }>(
        `SELECT dedup_key FROM incident_activity WHERE tenant_id = $1 AND incident_id = $2 AND kind IN ('sla_warning','sla_breached') AND dedup_key IS NOT NULL`,
        [tenantId, incidentId],
      );
      const due = slaNotificationsDue(incidentId, state, now, new Set(sentRows.map((r) => r.dedup_key)));
      for (const n of due) {
        const column = `${n.clock}_${n.type === 'sla.warning' ? 'warned' : 'breached'}_at`;
        // Claim: exactly one run sets the column; the dedup key guards the timeline as well.
        const claimed = await tx.query(`UPDATE incidents SET ${column} = $3 WHERE tenant_id = $1 AND id = $2 AND ${column} IS NULL RETURNING id`, [tenantId, incidentId, now]);
        if (claimed.length === 0) continue;
        const dueAt = n.clock === 'acknowledge' ? snap.acknowledgeDueAt : snap.resolveDueAt;
        const body =
          n.type === 'sla.breached'
            ? `${CLOCK_LABEL[n.clock]} SLA breached (due ${dueAt.toISOString()})`
            : `${CLOCK_LABEL[n.clock]} SLA warning: ${Math.round(policy.warnFraction * 100)}% of the target used (due ${dueAt.toISOString()})`;
        const recorded = await addActivity(
          n.type === 'sla.breached' ? 'sla_breached' : 'sla_warning',
          body,
          { clock: n.clock, at: n.at.toISOString(), dueAt: dueAt.toISOString(), policyId: policy.id, policyVersion: policy.version },
          n.idempotencyKey,
        );
        if (!recorded) continue;
        alerts.push({ type: n.type, clock: n.clock, at: n.at, dueAt, idempotencyKey: n.idempotencyKey });
      }
    }
  }
  outcome.notifications = alerts;

  // 4. Escalation: due pages and the SLA alerts become deliveries.
  const incident: PagingIncident = {
    id: row.id,
    tenantId,
    title: row.title,
    severity: row.severity,
    status: row.status,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    resolvedAt,
    techniques: row.techniques ?? [],
    assetIds: row.asset_ids ?? [],
  };
  const paging = await planIncidentPaging(tx, {
    incident,
    openedAt,
    now,
    slaAlerts: alerts,
    incidentLink: options.incidentLink ?? ((id) => `https://watchfloor.invalid/incidents/${id}`),
  });
  outcome.deliveryIds = paging.deliveryIds;
  outcome.errors.push(...paging.errors);
  const candidates = [slaNext, paging.nextDueAt].filter((d): d is Date => d !== null);
  outcome.nextCheckAt = candidates.length ? new Date(Math.min(...candidates.map((d) => d.getTime()))) : null;
  await tx.query(`UPDATE incidents SET sla_next_check_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, incidentId, outcome.nextCheckAt]);
  return outcome;
}
