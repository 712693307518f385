// SLA policies per tenant and severity, versioned: an upsert writes a new version and
// deactivates the previous one; incidents keep the policy id and version they started with.
import { isUuid, type ScopedTx } from '@watchfloor/tenancy';
import { type BusinessHours, slaCalendarFromInput, type SlaCalendar, validateCalendar } from './calendar';
import { SLA_RESOLVED_STATUSES, type SlaPolicyTargets } from './clock';
import { SlaError } from './sla-errors';

export type SlaSeverity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const SLA_SEVERITIES: readonly SlaSeverity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
/** Open statuses a policy may pause the resolve clock on (resolved ones already stop it). */
export const SLA_PAUSABLE_STATUSES: readonly string[] = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'AWAITING_CUSTOMER', 'CONTAINED'];

export interface SlaPolicyInput {
  tenantId: string;
  severity: SlaSeverity;
  acknowledgeMinutes: number;
  resolveMinutes: number;
  /** No calendar: 24x7. */
  calendar?: { timezone: string; businessHours: BusinessHours[]; holidays?: string[] | null } | null;
  /** Default ['AWAITING_CUSTOMER']. */
  pauseStatuses?: string[] | null;
  /** Default 0.8; strictly between 0 and 1. */
  warnFraction?: number | null;
}

export interface SlaPolicyRecord {
  id: string;
  tenantId: string;
  severity: SlaSeverity;
  version: number;
  acknowledgeMinutes: number;
  resolveMinutes: number;
  calendar: SlaCalendar;
  pauseStatuses: string[];
  warnFraction: number;
  active: boolean;
  createdAt: Date;
}

interface SlaPolicyRow {
  id: string;
  tenant_id: string;
  severity: SlaSeverity;
  version: number;
  acknowledge_minutes: number;
  resolve_minutes: number;
  calendar: SlaCalendar;
  pause_statuses: string[];
  warn_fraction: number;
  active: boolean;
  created_at: Date;
}

const COLUMNS = 'id, tenant_id, severity, version, acknowledge_minutes, resolve_minutes, calendar, pause_statuses, warn_fraction, active, created_at';

function toRecord(row: SlaPolicyRow): SlaPolicyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    severity: row.severity,
    version: row.version,
    acknowledgeMinutes: row.acknowledge_minutes,
    resolveMinutes: row.resolve_minutes,
    calendar: row.calendar,
    pauseStatuses: row.pause_statuses,
    // `real` comes back as 0.800000011920929; the input had at most a few decimals.
    warnFraction: Math.round(Number(row.warn_fraction) * 1e6) / 1e6,
    active: row.active,
    createdAt: row.created_at,
  };
}

/** Every problem with an input, one line each; [] when it can be stored. */
export function validateSlaPolicyInput(input: SlaPolicyInput): string[] {
  const errors: string[] = [];
  if (!isUuid(input?.tenantId)) errors.push(`tenantId must be a tenant id, got ${JSON.stringify(input?.tenantId)}`);
  if (!SLA_SEVERITIES.includes(input?.severity)) errors.push(`severity must be one of ${SLA_SEVERITIES.join(', ')}, got ${JSON.stringify(input?.severity)}`);
  for (const key of ['acknowledgeMinutes', 'resolveMinutes'] as const) {
    const v = input?.[key];
    if (!Number.isInteger(v) || v <= 0 || v > 525_600) errors.push(`${key} must be a whole number of minutes between 1 and 525600 (a year), got ${JSON.stringify(v)}`);
  }
  if (errors.length === 0 && input.resolveMinutes < input.acknowledgeMinutes) {
    errors.push(`resolveMinutes (${input.resolveMinutes}) must not be shorter than acknowledgeMinutes (${input.acknowledgeMinutes})`);
  }
  if (input?.warnFraction !== undefined && input.warnFraction !== null) {
    const w = input.warnFraction;
    if (typeof w !== 'number' || !(w > 0 && w < 1)) errors.push(`warnFraction must be a number strictly between 0 and 1, got ${JSON.stringify(w)}`);
  }
  if (input?.pauseStatuses !== undefined && input.pauseStatuses !== null) {
    if (!Array.isArray(input.pauseStatuses)) errors.push('pauseStatuses must be a list of incident statuses');
    else {
      for (const s of input.pauseStatuses) {
        if (SLA_RESOLVED_STATUSES.includes(s)) errors.push(`pauseStatuses: ${s} already stops the clock; list open statuses only`);
        else if (!SLA_PAUSABLE_STATUSES.includes(s)) errors.push(`pauseStatuses: unknown status ${JSON.stringify(s)} (one of ${SLA_PAUSABLE_STATUSES.join(', ')})`);
      }
    }
  }
  if (input?.calendar !== undefined && input.calendar !== null) {
    errors.push(...validateCalendar(slaCalendarFromInput(input.calendar)));
  }
  return errors;
}

/**
 * Store a new version of the tenant's policy for one severity and deactivate the previous one.
 * New incidents take the new version; open incidents keep theirs (until a severity change).
 * Throws SlaError('BAD_USER_INPUT') with one line per problem.
 */
export async function upsertSlaPolicy(tx: ScopedTx, input: SlaPolicyInput): Promise<SlaPolicyRecord> {
  const errors = validateSlaPolicyInput(input);
  if (errors.length > 0) throw new SlaError('BAD_USER_INPUT', errors.join('; '));
  const calendar = slaCalendarFromInput(input.calendar ?? null);
  const tenant = await tx.query(`SELECT id FROM tenants WHERE id = $1`, [input.tenantId]);
  if (tenant.length === 0) throw new SlaError('NOT_FOUND', `tenant ${input.tenantId} not found`);
  // Serialise versions of one (tenant, severity): concurrent upserts would pick the same number.
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sla_policy:' || $1 || ':' || $2))`, [input.tenantId, input.severity]);
  const [{ next }] = await tx.query<{ next: number }>(
    `SELECT coalesce(max(version), 0) + 1 AS next FROM sla_policies WHERE tenant_id = $1 AND severity = $2`,
    [input.tenantId, input.severity],
  );
  await tx.query(`UPDATE sla_policies SET active = false WHERE tenant_id = $1 AND severity = $2 AND active`, [input.tenantId, input.severity]);
  const rows = await tx.query<SlaPolicyRow>(
    `INSERT INTO sla_policies (tenant_id, severity, version, acknowledge_minutes, resolve_minutes, calendar, pause_statuses, warn_fraction, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true) RETURNING ${COLUMNS}`,
    [
      input.tenantId,
      input.severity,
      next,
      input.acknowledgeMinutes,
      input.resolveMinutes,
      JSON.stringify(calendar),
      input.pauseStatuses ?? ['AWAITING_CUSTOMER'],
      input.warnFraction ?? 0.8,
    ],
  );
  return toRecord(rows[0]);
}

/** The tenant's policies, active ones only unless asked, by severity then newest version first. */
export async function listSlaPolicies(tx: ScopedTx, tenantId: string, options: { includeInactive?: boolean } = {}): Promise<SlaPolicyRecord[]> {
  if (!isUuid(tenantId)) throw new SlaError('BAD_USER_INPUT', `tenantId must be a tenant id, got ${JSON.stringify(tenantId)}`);
  const rows = await tx.query<SlaPolicyRow>(
    `SELECT ${COLUMNS} FROM sla_policies WHERE tenant_id = $1 AND ($2 OR active)
     ORDER BY array_position(ARRAY['CRITICAL','HIGH','MEDIUM','LOW','INFO'], severity), version DESC`,
    [tenantId, options.includeInactive === true],
  );
  return rows.map(toRecord);
}

export async function activeSlaPolicy(tx: ScopedTx, tenantId: string, severity: string): Promise<SlaPolicyRecord | null> {
  const rows = await tx.query<SlaPolicyRow>(`SELECT ${COLUMNS} FROM sla_policies WHERE tenant_id = $1 AND severity = $2 AND active`, [tenantId, severity]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function getSlaPolicy(tx: ScopedTx, tenantId: string, id: string): Promise<SlaPolicyRecord | null> {
  const rows = await tx.query<SlaPolicyRow>(`SELECT ${COLUMNS} FROM sla_policies WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The pure clock's view of a stored policy. */
export function slaPolicyTargets(policy: SlaPolicyRecord): SlaPolicyTargets {
  return {
    ackSeconds: policy.acknowledgeMinutes * 60,
    resolveSeconds: policy.resolveMinutes * 60,
    calendar: policy.calendar,
    pauseStatuses: policy.pauseStatuses,
    warnFraction: policy.warnFraction,
  };
}
