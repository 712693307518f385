import { appendAudit } from '@watchfloor/audit';
import { type Caller, isCustomer, Role } from '@watchfloor/auth';
import { DomainError, DomainErrorCode, invalidInput, notFound } from '@watchfloor/errors';
import type { ScopedTx } from '@watchfloor/tenancy';
import { checkTransition, IncidentStatus, isOpen, type Severity, transitionEffects } from './incident-workflow';
import { INCIDENT_COLUMNS, incidentById } from './incident-store';
import { type ActivityRow, CommentVisibility, type IncidentRow, type SuppressionInput } from './triage.types';

/** What a triage operation changed: published to subscribers after the transaction commits. */
export interface TriageOutcome {
  incident: IncidentRow;
  activities: ActivityRow[];
  /** Other incidents changed by the same operation (merge sources). */
  others: TriageOutcome[];
}

/** Activity columns; queries alias incident_activity as act. */
const ACTIVITY_COLUMNS = `act.id, act.tenant_id AS "tenantId", act.incident_id AS "incidentId", act.kind, act.body, act.visibility,
  act.actor_id AS "actorId", act.actor_kind AS "actorKind", act.data, act.created_at AS "createdAt"`;
export { ACTIVITY_COLUMNS };

/** Locks the incident, or NOT_FOUND (also when it belongs to a tenant outside the scope); stale version → CONFLICT. */
async function lockIncident(tx: ScopedTx, id: string, expectedVersion: number | null | undefined): Promise<IncidentRow> {
  const incident = await incidentById(tx, id, true);
  if (!incident) throw notFound('incident', id);
  checkVersion(incident, id, expectedVersion);
  return incident;
}

/** Stale expectedVersion → CONFLICT; `id` is the id as the caller gave it (it appears in the message). */
function checkVersion(incident: IncidentRow, id: string, expectedVersion: number | null | undefined): void {
  if (expectedVersion !== null && expectedVersion !== undefined && incident.version !== expectedVersion) {
    throw new DomainError(DomainErrorCode.StaleVersion, `incident ${id} is at version ${incident.version}, not ${expectedVersion}: reload and retry`, {
      currentVersion: incident.version,
    });
  }
}

async function addActivity(
  tx: ScopedTx,
  caller: Caller,
  incident: IncidentRow,
  kind: string,
  body: string,
  visibility: CommentVisibility,
  data: Record<string, unknown> = {},
): Promise<ActivityRow> {
  const [row] = await tx.query<ActivityRow>(
    `INSERT INTO incident_activity AS act (tenant_id, incident_id, kind, body, visibility, actor_id, actor_kind, data)
     VALUES ($1, $2, $3, $4, $5, $6, 'user', $7::jsonb) RETURNING ${ACTIVITY_COLUMNS}`,
    [incident.tenantId, incident.id, kind, body, visibility, caller.userId, JSON.stringify(data)],
  );
  return row;
}

async function audit(tx: ScopedTx, caller: Caller, incident: IncidentRow, action: string, before: unknown, after: unknown): Promise<void> {
  await appendAudit(tx, {
    tenantId: incident.tenantId, actorId: caller.userId, actorKind: 'user', action, targetType: 'incident', targetId: incident.id,
    before, after, requestId: caller.requestId,
  });
}

/**
 * Applies column changes and bumps the version; returns the incident as it now is. RETURNING
 * reads the updated row in the same statement (no second SELECT); the alias `i` is the one
 * INCIDENT_COLUMNS expects. The row is locked by the caller, so exactly one row comes back.
 */
async function updateIncident(tx: ScopedTx, incident: IncidentRow, sets: string[], params: unknown[]): Promise<IncidentRow> {
  const all = [...sets, 'version = version + 1', 'updated_at = now()'];
  const [row] = await tx.query<IncidentRow>(
    `UPDATE incidents AS i SET ${all.join(', ')} WHERE i.tenant_id = $1 AND i.id = $2 RETURNING ${INCIDENT_COLUMNS}`,
    [incident.tenantId, incident.id, ...params],
  );
  return row;
}

async function applyStatus(tx: ScopedTx, caller: Caller, incident: IncidentRow, to: IncidentStatus, extraSets: string[] = [], extraParams: unknown[] = []): Promise<IncidentRow> {
  const check = checkTransition(incident.status, to);
  if (!check.ok) {
    throw new DomainError(
      DomainErrorCode.IllegalTransition,
      `cannot move incident from ${incident.status} to ${to}; allowed: ${check.allowed.join(', ') || 'none'}`,
      { from: incident.status, allowed: check.allowed },
    );
  }
  const fx = transitionEffects(incident.status, to);
  const sets = ['status = $3', ...extraSets];
  if (fx.setAcknowledgedAt) sets.push('acknowledged_at = coalesce(acknowledged_at, now())');
  if (fx.setResolvedAt) sets.push('resolved_at = now()');
  if (fx.clearResolvedAt) sets.push('resolved_at = NULL');
  if (fx.setClosedAt) sets.push('closed_at = now()');
  if (fx.pause) sets.push('paused_since = now()');
  if (fx.resume) sets.push(`paused_seconds = paused_seconds + coalesce(extract(epoch FROM now() - paused_since)::int, 0), paused_since = NULL`);
  return updateIncident(tx, incident, sets, [to, ...extraParams]);
}

export async function updateIncidentStatus(
  tx: ScopedTx, caller: Caller, id: string, status: IncidentStatus, reason: string | null | undefined, expectedVersion?: number | null,
): Promise<TriageOutcome> {
  if (status === IncidentStatus.FALSE_POSITIVE) throw invalidInput('use markFalsePositive to mark a false positive (it needs a reason)');
  const before = await lockIncident(tx, id, expectedVersion);
  const after = await applyStatus(tx, caller, before, status);
  const reopened = before.status === IncidentStatus.RESOLVED && status === IncidentStatus.INVESTIGATING;
  const activity = await addActivity(tx, caller, after, reopened ? 'reopened' : 'status_changed', `Status changed from ${before.status} to ${status}`, CommentVisibility.CUSTOMER, {
    from: before.status, to: status, reason: reason ?? null,
  });
  await audit(tx, caller, after, 'incident.status_changed', { status: before.status, version: before.version }, { status, version: after.version, reason: reason ?? null });
  return { incident: after, activities: [activity], others: [] };
}

/** NEW → ACKNOWLEDGED; acknowledging an incident that is already ACKNOWLEDGED changes nothing. */
export async function acknowledgeIncident(tx: ScopedTx, caller: Caller, id: string, expectedVersion?: number | null): Promise<TriageOutcome> {
  const before = await lockIncident(tx, id, expectedVersion);
  if (before.status === IncidentStatus.ACKNOWLEDGED) return { incident: before, activities: [], others: [] };
  const after = await applyStatus(tx, caller, before, IncidentStatus.ACKNOWLEDGED);
  const activity = await addActivity(tx, caller, after, 'acknowledged', `Acknowledged by ${caller.displayName}`, CommentVisibility.CUSTOMER, { from: before.status });
  await audit(tx, caller, after, 'incident.acknowledged', { status: before.status, version: before.version }, { status: after.status, version: after.version });
  return { incident: after, activities: [activity], others: [] };
}

export async function updateIncidentSeverity(
  tx: ScopedTx, caller: Caller, id: string, severity: Severity, reason: string, expectedVersion?: number | null,
): Promise<TriageOutcome> {
  if (!reason?.trim()) throw invalidInput('a reason is required to change the severity');
  const before = await lockIncident(tx, id, expectedVersion);
  if (before.severity === severity) throw invalidInput(`incident is already ${severity}`);
  const after = await updateIncident(tx, before, ['severity = $3'], [severity]);
  const activity = await addActivity(tx, caller, after, 'severity_changed', `Severity changed from ${before.severity} to ${severity}: ${reason.trim()}`, CommentVisibility.INTERNAL, {
    from: before.severity, to: severity, reason: reason.trim(),
  });
  await audit(tx, caller, after, 'incident.severity_changed', { severity: before.severity, version: before.version }, { severity, version: after.version, reason: reason.trim() });
  return { incident: after, activities: [activity], others: [] };
}

/** Assigns to a SOC user who may work on the incident's tenant, or unassigns (null). */
export async function assignIncident(tx: ScopedTx, caller: Caller, id: string, userId: string | null, expectedVersion?: number | null): Promise<TriageOutcome> {
  const before = await lockIncident(tx, id, expectedVersion);
  let assigneeName = 'nobody';
  if (userId) {
    const [user] = await tx.query<{ role: string; display_name: string; disabled: boolean; member: boolean }>(
      `SELECT u.role, u.display_name, u.disabled, EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id = $2) AS member
       FROM users u WHERE u.id = $1`,
      [userId, before.tenantId],
    );
    if (!user || user.disabled) throw notFound('user', userId);
    const soc = user.role === Role.PLATFORM_ADMIN || ((user.role === Role.SOC_LEAD || user.role === Role.SOC_ANALYST) && user.member);
    if (!soc) throw invalidInput('an incident can be assigned only to SOC staff covering its tenant');
    assigneeName = user.display_name;
  }
  if (before.assigneeId === userId) return { incident: before, activities: [], others: [] };
  const after = await updateIncident(tx, before, ['assignee_id = $3'], [userId]);
  const activity = await addActivity(tx, caller, after, 'assigned', userId ? `Assigned to ${assigneeName}` : 'Unassigned', CommentVisibility.INTERNAL, {
    from: before.assigneeId, to: userId,
  });
  await audit(tx, caller, after, 'incident.assigned', { assigneeId: before.assigneeId, version: before.version }, { assigneeId: userId, version: after.version });
  return { incident: after, activities: [activity], others: [] };
}

/** Customers may comment; their comments are always CUSTOMER-visible (INTERNAL notes are for SOC staff). */
export async function addComment(
  tx: ScopedTx, caller: Caller, incidentId: string, body: string, visibility: CommentVisibility, expectedVersion?: number | null,
): Promise<{ outcome: TriageOutcome; comment: ActivityRow }> {
  const text = body?.trim();
  if (!text) throw invalidInput('a comment needs a body');
  if (text.length > 20000) throw invalidInput('a comment is at most 20,000 characters');
  const effective = isCustomer(caller) ? CommentVisibility.CUSTOMER : visibility;
  const before = await lockIncident(tx, incidentId, expectedVersion);
  const after = await updateIncident(tx, before, [], []);
  const comment = await addActivity(tx, caller, after, 'comment', text, effective);
  await audit(tx, caller, after, 'incident.commented', null, { activityId: comment.id, visibility: effective, version: after.version });
  return { outcome: { incident: after, activities: [comment], others: [] }, comment };
}


/**
 * Moves the sources' alerts and timeline into the target and closes the sources (merged_into_id).
 * Locks in id order so two concurrent merges cannot deadlock.
 */
export async function mergeIncidents(tx: ScopedTx, caller: Caller, targetId: string, sourceIds: string[], expectedVersion?: number | null): Promise<TriageOutcome> {
  const unique = [...new Set(sourceIds)];
  if (!unique.length) throw invalidInput('sourceIds must name at least one incident');
  if (unique.includes(targetId)) throw invalidInput('an incident cannot be merged into itself');
  const ids = [targetId, ...unique].sort();
  // One statement locks and reads the target and every source (rather than one read per source);
  // the checks below then run in the same order as before, on these rows.
  const locked = await tx.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents i WHERE i.id = ANY($1::uuid[]) ORDER BY i.id FOR UPDATE`, [ids]);
  const byId = new Map(locked.map((row) => [row.id, row]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw notFound('incident', missing.join(', '));
  const target = byId.get(targetId)!;
  checkVersion(target, targetId, expectedVersion);
  if (!isOpen(target.status)) throw invalidInput(`the target incident is ${target.status}; merge into an open incident`);
  const sources: IncidentRow[] = [];
  for (const id of unique) {
    const source = byId.get(id)!;
    if (source.tenantId !== target.tenantId) throw invalidInput('incidents of different tenants cannot be merged');
    if (source.mergedIntoId) throw invalidInput(`incident ${id} was already merged into ${source.mergedIntoId}`);
    sources.push(source);
  }
  const t = target.tenantId;
  await tx.query(`UPDATE incident_alerts SET incident_id = $2 WHERE tenant_id = $1 AND incident_id = ANY($3::uuid[])`, [t, targetId, unique]);
  await tx.query(`UPDATE alerts SET incident_id = $2 WHERE tenant_id = $1 AND incident_id = ANY($3::uuid[])`, [t, targetId, unique]);
  await tx.query(`UPDATE incident_activity SET incident_id = $2 WHERE tenant_id = $1 AND incident_id = ANY($3::uuid[])`, [t, targetId, unique]);
  const after = await updateIncident(
    tx,
    target,
    [
      `alert_count = (SELECT count(*) FROM incident_alerts ia WHERE ia.tenant_id = $1 AND ia.incident_id = $2)`,
      `techniques = (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM incidents s, unnest(s.techniques) x WHERE s.tenant_id = $1 AND s.id = ANY($3::uuid[]))`,
      `asset_ids = (SELECT coalesce(array_agg(DISTINCT x), '{}') FROM incidents s, unnest(s.asset_ids) x WHERE s.tenant_id = $1 AND s.id = ANY($3::uuid[]))`,
      `src_ips = (SELECT coalesce(array_agg(DISTINCT x), '{}') FROM incidents s, unnest(s.src_ips) x WHERE s.tenant_id = $1 AND s.id = ANY($3::uuid[]))`,
      `last_alert_at = (SELECT max(s.last_alert_at) FROM incidents s WHERE s.tenant_id = $1 AND s.id = ANY($3::uuid[]))`,
    ],
    [[targetId, ...unique]],
  );
  const others: TriageOutcome[] = [];
  for (const source of sources) {
    const closed = await updateIncident(tx, source, [`status = 'CLOSED'`, `merged_into_id = $3`, `closed_at = now()`, `alert_count = 0`], [targetId]);
    const note = await addActivity(tx, caller, closed, 'merged_into', `Merged into incident #${target.number}`, CommentVisibility.CUSTOMER, { targetId });
    await audit(tx, caller, closed, 'incident.merged_into', { status: source.status, version: source.version }, { status: 'CLOSED', mergedIntoId: targetId, version: closed.version });
    others.push({ incident: closed, activities: [note], others: [] });
  }
  const activity = await addActivity(tx, caller, after, 'merged', `Merged ${sources.map((s) => `#${s.number}`).join(', ')} into this incident`, CommentVisibility.INTERNAL, {
    sourceIds: unique,
  });
  await audit(tx, caller, after, 'incident.merged', { alertCount: target.alertCount, version: target.version }, { alertCount: after.alertCount, sourceIds: unique, version: after.version });
  return { incident: after, activities: [activity], others };
}

export async function markFalsePositive(
  tx: ScopedTx, caller: Caller, id: string, reason: string, suppress: SuppressionInput | null | undefined, expectedVersion?: number | null,
): Promise<TriageOutcome> {
  if (!reason?.trim()) throw invalidInput('a reason is required to mark a false positive');
  if (suppress) {
    const m = suppress.match;
    if (!m || typeof m !== 'object' || Array.isArray(m) || !Object.keys(m).length) throw invalidInput('suppress.match must be a non-empty object of field values');
    if (suppress.expiresAt && new Date(suppress.expiresAt).getTime() <= Date.now()) throw invalidInput('suppress.expiresAt must be in the future');
  }
  const before = await lockIncident(tx, id, expectedVersion);
  const after = await applyStatus(tx, caller, before, IncidentStatus.FALSE_POSITIVE);
  let suppressionId: string | null = null;
  if (suppress) {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO suppressions (tenant_id, rule_id, match, reason, expires_at, created_by) VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING id`,
      [after.tenantId, suppress.ruleId ?? null, JSON.stringify(suppress.match), suppress.reason?.trim() || reason.trim(), suppress.expiresAt ?? null, caller.userId],
    );
    suppressionId = row.id;
  }
  const activity = await addActivity(tx, caller, after, 'false_positive', 'Marked as a false positive', CommentVisibility.CUSTOMER, {
    from: before.status, reason: reason.trim(), suppressionId,
  });
  await audit(tx, caller, after, 'incident.false_positive', { status: before.status, version: before.version }, {
    status: after.status, version: after.version, reason: reason.trim(), suppressionId,
  });
  return { incident: after, activities: [activity], others: [] };
}
