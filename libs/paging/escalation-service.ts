// Escalation policies of a tenant, and turning an incident's due pages (and SLA warnings and
// breaches) into delivery rows. Rows are unique per idempotency key, so planning twice — a
// delayed job and the sweeper, or a replayed event — creates each delivery once.
import { isUuid, type ScopedTx } from '@watchfloor/tenancy';
import { type EscalationPolicy, type Page, parseEscalationKey, planEscalation, SEVERITY_ORDER, validateEscalationPolicy } from './escalation';
import type { PagerDutyIncident, Severity } from './pagerduty';
import { PagingError } from './paging-errors';
import { webhookMessageId } from './standard-webhooks';

export const ESCALATION_MAX_REPEAT = 10; // schema CHECK (repeat BETWEEN 0 AND 10)

export interface EscalationLevelInput {
  delaySeconds: number;
  webhookEndpointIds: string[];
}

export interface EscalationPolicyInput {
  /** Update this policy; absent: create one. */
  id?: string | null;
  tenantId: string;
  name: string;
  minSeverity?: Severity | null;
  repeat?: number | null;
  ackTimeoutSeconds?: number | null;
  levels: EscalationLevelInput[];
}

export interface EscalationPolicyRecord {
  id: string;
  tenantId: string;
  name: string;
  minSeverity: Severity;
  repeat: number;
  ackTimeoutSeconds: number | null;
  levels: EscalationLevelInput[];
  createdAt: Date;
  updatedAt: Date;
}

interface PolicyRow {
  id: string;
  tenant_id: string;
  name: string;
  min_severity: Severity;
  repeat: number;
  ack_timeout_seconds: number | null;
  created_at: Date;
  updated_at: Date;
  levels: Array<{ delay_seconds: number; webhook_endpoint_ids: string[] }> | null;
}

const SELECT_POLICIES = `
  SELECT p.id, p.tenant_id, p.name, p.min_severity, p.repeat, p.ack_timeout_seconds, p.created_at, p.updated_at,
         (SELECT json_agg(json_build_object('delay_seconds', l.delay_seconds, 'webhook_endpoint_ids', l.webhook_endpoint_ids) ORDER BY l.position)
            FROM escalation_levels l WHERE l.tenant_id = p.tenant_id AND l.policy_id = p.id) AS levels
  FROM escalation_policies p`;

function toRecord(row: PolicyRow): EscalationPolicyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    minSeverity: row.min_severity,
    repeat: row.repeat,
    ackTimeoutSeconds: row.ack_timeout_seconds,
    levels: (row.levels ?? []).map((l) => ({ delaySeconds: l.delay_seconds, webhookEndpointIds: l.webhook_endpoint_ids })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The planner's view of a stored policy. */
export function escalationPolicyOf(record: EscalationPolicyRecord): EscalationPolicy {
  return {
    minSeverity: record.minSeverity,
    repeat: record.repeat,
    ackTimeoutSeconds: record.ackTimeoutSeconds ?? undefined,
    levels: record.levels.map((l) => ({ delaySeconds: l.delaySeconds, endpointIds: l.webhookEndpointIds })),
  };
}

/**
 * Create or replace a policy (levels are replaced as a whole). Every endpoint id must be one of
 * the tenant's endpoints (NOT_FOUND otherwise, also for another tenant's ids); names are unique
 * per tenant (CONFLICT).
 */
export async function upsertEscalationPolicy(tx: ScopedTx, input: EscalationPolicyInput): Promise<EscalationPolicyRecord> {
  const errors: string[] = [];
  if (!isUuid(input?.tenantId)) errors.push(`tenantId must be a tenant id, got ${JSON.stringify(input?.tenantId)}`);
  if (input?.id !== undefined && input.id !== null && !isUuid(input.id)) errors.push(`id must be an escalation policy id, got ${JSON.stringify(input.id)}`);
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > 200) errors.push('name must be 1–200 characters');
  const minSeverity = input?.minSeverity ?? 'LOW';
  const repeat = input?.repeat ?? 0;
  const ackTimeoutSeconds = input?.ackTimeoutSeconds ?? null;
  if (ackTimeoutSeconds !== null && !Number.isInteger(ackTimeoutSeconds)) errors.push(`ackTimeoutSeconds must be a whole number of seconds, got ${JSON.stringify(ackTimeoutSeconds)}`);
  if (Number.isInteger(repeat) && repeat > ESCALATION_MAX_REPEAT) errors.push(`repeat must be at most ${ESCALATION_MAX_REPEAT}, got ${repeat}`);
  const levels = Array.isArray(input?.levels) ? input.levels : [];
  levels.forEach((l, i) => {
    if (!Number.isInteger(l?.delaySeconds)) errors.push(`levels[${i}].delaySeconds must be a whole number of seconds`);
    if (Array.isArray(l?.webhookEndpointIds) && l.webhookEndpointIds.some((e) => !isUuid(e))) errors.push(`levels[${i}].webhookEndpointIds must be endpoint ids`);
  });
  errors.push(
    ...validateEscalationPolicy({
      minSeverity,
      repeat,
      ackTimeoutSeconds: ackTimeoutSeconds ?? undefined,
      levels: Array.isArray(input?.levels) ? levels.map((l) => ({ delaySeconds: l?.delaySeconds, endpointIds: l?.webhookEndpointIds })) : input?.levels,
    }).map((e) => e.replace(/\.endpointIds/g, '.webhookEndpointIds')),
  );
  if (errors.length > 0) throw new PagingError('BAD_USER_INPUT', [...new Set(errors)].join('; '));

  const tenant = await tx.query(`SELECT id FROM tenants WHERE id = $1`, [input.tenantId]);
  if (tenant.length === 0) throw new PagingError('NOT_FOUND', `tenant ${input.tenantId} not found`);
  const wanted = [...new Set(levels.flatMap((l) => l.webhookEndpointIds.map((e) => e.toLowerCase())))];
  const found = await tx.query<{ id: string }>(`SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [input.tenantId, wanted]);
  const known = new Set(found.map((r) => r.id));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length > 0) throw new PagingError('NOT_FOUND', `webhook endpoint(s) not found: ${missing.join(', ')}`);

  let id: string;
  try {
    if (input.id) {
      const updated = await tx.query<{ id: string }>(
        `UPDATE escalation_policies SET name = $3, min_severity = $4, repeat = $5, ack_timeout_seconds = $6, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 RETURNING id`,
        [input.tenantId, input.id, name, minSeverity, repeat, ackTimeoutSeconds],
      );
      if (updated.length === 0) throw new PagingError('NOT_FOUND', `escalation policy ${input.id} not found`);
      id = updated[0].id;
      await tx.query(`DELETE FROM escalation_levels WHERE tenant_id = $1 AND policy_id = $2`, [input.tenantId, id]);
    } else {
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO escalation_policies (tenant_id, name, min_severity, repeat, ack_timeout_seconds) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [input.tenantId, name, minSeverity, repeat, ackTimeoutSeconds],
      );
      id = inserted[0].id;
    }
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new PagingError('CONFLICT', `an escalation policy named ${JSON.stringify(name)} already exists`);
    throw err;
  }
  for (const [position, level] of levels.entries()) {
    await tx.query(`INSERT INTO escalation_levels (tenant_id, policy_id, position, delay_seconds, webhook_endpoint_ids) VALUES ($1, $2, $3, $4, $5::uuid[])`, [
      input.tenantId,
      id,
      position + 1,
      level.delaySeconds,
      level.webhookEndpointIds,
    ]);
  }
  const rows = await tx.query<PolicyRow>(`${SELECT_POLICIES} WHERE p.tenant_id = $1 AND p.id = $2`, [input.tenantId, id]);
  return toRecord(rows[0]);
}

export async function listEscalationPolicies(tx: ScopedTx, tenantId: string): Promise<EscalationPolicyRecord[]> {
  if (!isUuid(tenantId)) throw new PagingError('BAD_USER_INPUT', `tenantId must be a tenant id, got ${JSON.stringify(tenantId)}`);
  const rows = await tx.query<PolicyRow>(`${SELECT_POLICIES} WHERE p.tenant_id = $1 ORDER BY p.name, p.id`, [tenantId]);
  return rows.map(toRecord);
}

/** An incident as the paging code needs it (a row of `incidents`). */
export interface PagingIncident {
  id: string;
  tenantId: string;
  title: string;
  severity: Severity;
  status: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  techniques: string[];
  assetIds: string[];
}

/** An SLA warning or breach to send through the incident's escalation endpoints (libs/sla SlaNotification). */
export interface SlaAlert {
  type: 'sla.warning' | 'sla.breached';
  clock: 'acknowledge' | 'resolve';
  /** When the threshold was crossed. */
  at: Date;
  dueAt: Date;
  idempotencyKey: string;
}

/** What a delivery row's payload holds: everything the request is built from, so retries send the same bytes. */
export interface DeliveryPayload {
  /** Absent for tenant-level messages (e.g. `report.ready`), which carry their data under their own key. */
  incident?: PagerDutyIncident & { createdAt: string };
  /** `report.ready`: the data of a Standard Webhook message of that type (STANDARD endpoints only). */
  report?: Record<string, unknown>;
  page?: Omit<Page, 'dueAt'> & { dueAt: string };
  sla?: { type: SlaAlert['type']; clock: SlaAlert['clock']; at: string; dueAt: string };
}

export interface IncidentPagingResult {
  /** New delivery rows: enqueue a `deliver` job for each after commit. */
  deliveryIds: string[];
  /** When the next escalation level falls due (schedule a check then). */
  nextDueAt: Date | null;
  /** Policies the planner refused (stored data it cannot use); nothing is sent for them. */
  errors: string[];
}

export interface IncidentPagingInput {
  incident: PagingIncident;
  /** Start of the current open spell: createdAt, or the last reopen. */
  openedAt: Date;
  now: Date;
  slaAlerts?: SlaAlert[];
  /** Link to the incident in the product (PagerDuty client_url, STANDARD data.incident.link). */
  incidentLink: (incidentId: string) => string;
}

async function incidentPayload(tx: ScopedTx, incident: PagingIncident, link: string): Promise<DeliveryPayload['incident']> {
  const [tenant] = await tx.query<{ name: string }>(`SELECT name FROM tenants WHERE id = $1`, [incident.tenantId]);
  const assets = incident.assetIds.length
    ? await tx.query<{ name: string }>(`SELECT name FROM assets WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY name`, [incident.tenantId, incident.assetIds])
    : [];
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    tenantName: tenant?.name ?? incident.tenantId,
    tenantId: incident.tenantId,
    assets: assets.map((a) => a.name),
    techniques: incident.techniques,
    link,
    status: incident.status,
    createdAt: incident.createdAt.toISOString(),
  };
}

/**
 * Plan every escalation policy of the tenant for the incident (all policies whose minSeverity is
 * at or below its severity page it; lower-rated policies still send acknowledge/resolve to the
 * endpoints they paged before a downgrade) and record the due pages and SLA alerts as deliveries.
 *
 * SLA alerts go to the first-level endpoints of the applicable policies plus every endpoint
 * already paged for the incident. Disabled endpoints get nothing; an endpoint with a non-empty
 * `event_types` gets only those message types.
 */
export async function planIncidentPaging(tx: ScopedTx, input: IncidentPagingInput): Promise<IncidentPagingResult> {
  const { incident, now } = input;
  const policies = await listEscalationPolicies(tx, incident.tenantId);
  const sent = new Set(
    (await tx.query<{ idempotency_key: string }>(`SELECT idempotency_key FROM deliveries WHERE tenant_id = $1 AND incident_id = $2`, [incident.tenantId, incident.id])).map(
      (r) => r.idempotency_key,
    ),
  );
  const endpoints = new Map(
    (await tx.query<{ id: string; enabled: boolean; event_types: string[] }>(`SELECT id, enabled, event_types FROM webhook_endpoints WHERE tenant_id = $1`, [incident.tenantId])).map((r) => [r.id, r]),
  );
  // An endpoint takes every message type unless its event_types names some.
  const accepts = (endpointId: string, eventType: string) => {
    const ep = endpoints.get(endpointId);
    return ep !== undefined && ep.enabled && (ep.event_types.length === 0 || ep.event_types.includes(eventType));
  };
  const result: IncidentPagingResult = { deliveryIds: [], nextDueAt: null, errors: [] };
  let payloadIncident: DeliveryPayload['incident'] | null = null;
  const insert = async (endpointId: string, key: string, eventType: string, extra: Omit<DeliveryPayload, 'incident'>) => {
    if (sent.has(key) || !accepts(endpointId, eventType)) return;
    payloadIncident ??= await incidentPayload(tx, incident, input.incidentLink(incident.id));
    const payload: DeliveryPayload = { incident: payloadIncident, ...extra };
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO deliveries (tenant_id, endpoint_id, incident_id, message_id, idempotency_key, event_type, payload, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
      [incident.tenantId, endpointId, incident.id, webhookMessageId(key), key, eventType, JSON.stringify(payload), now],
    );
    sent.add(key);
    if (rows[0]) result.deliveryIds.push(rows[0].id);
  };

  const pages: Page[] = [];
  for (const record of policies) {
    const plan = planEscalation({
      policy: escalationPolicyOf(record),
      incident: { id: incident.id, severity: incident.severity, openedAt: input.openedAt, acknowledgedAt: incident.acknowledgedAt, resolvedAt: incident.resolvedAt, status: incident.status },
      now,
      alreadySent: sent,
    });
    if (!plan.ok) {
      result.errors.push(`escalation policy ${record.name}: ${plan.errors.join('; ')}`);
      continue;
    }
    pages.push(...plan.pages);
    if (plan.nextDueAt && (!result.nextDueAt || plan.nextDueAt < result.nextDueAt)) result.nextDueAt = plan.nextDueAt;
  }
  pages.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.idempotencyKey.localeCompare(b.idempotencyKey));
  for (const page of pages) {
    await insert(page.endpointId, page.idempotencyKey, `incident.${page.kind}`, { page: { ...page, dueAt: page.dueAt.toISOString() } });
  }

  if (input.slaAlerts && input.slaAlerts.length > 0) {
    const rank = SEVERITY_ORDER.indexOf(incident.severity);
    const targets = new Set<string>();
    for (const p of policies) if (SEVERITY_ORDER.indexOf(p.minSeverity) <= rank && p.levels[0]) p.levels[0].webhookEndpointIds.forEach((e) => targets.add(e));
    for (const key of sent) {
      const k = parseEscalationKey(key);
      if (k && k.action === 'trigger' && k.incidentId === incident.id) targets.add(k.endpointId);
    }
    for (const alert of input.slaAlerts) {
      for (const endpointId of [...targets].sort()) {
        await insert(endpointId, `${alert.idempotencyKey}:${endpointId}`, alert.type, {
          sla: { type: alert.type, clock: alert.clock, at: alert.at.toISOString(), dueAt: alert.dueAt.toISOString() },
        });
      }
    }
  }
  return result;
}
