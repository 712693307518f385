import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { appendAudit } from '@watchfloor/audit';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, loaderFor, Role, Roles, withCallerRead, withCallerScope } from '@watchfloor/auth';
import { notFound } from '@watchfloor/errors';
import { incidentSlaSnapshot, type IncidentSla, listSlaPolicies, type SlaCalendar, type SlaPolicyRecord, type SlaSeverity, upsertSlaPolicy } from '@watchfloor/sla';
import { TenantDb } from '@watchfloor/tenancy';
import { IncidentObject, type IncidentRow, IncidentStatus, Severity } from '@watchfloor/triage';
import { mapServiceErrors } from './service-errors';
import { IncidentSlaObject, SlaPolicyInput, SlaPolicyObject } from './sla.types';

const POLICY_EDITORS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD];
const POLICY_READERS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD, Role.SOC_ANALYST, Role.CUSTOMER_ADMIN];

export function presentSlaPolicy(p: SlaPolicyRecord): SlaPolicyObject {
  const calendar = p.calendar.kind === 'business' ? { timezone: p.calendar.timezone, businessHours: p.calendar.businessHours, holidays: p.calendar.holidays } : null;
  return {
    id: p.id,
    tenantId: p.tenantId,
    severity: p.severity as Severity,
    version: p.version,
    acknowledgeMinutes: p.acknowledgeMinutes,
    resolveMinutes: p.resolveMinutes,
    calendar,
    pauseStatuses: p.pauseStatuses as IncidentStatus[],
    warnFraction: p.warnFraction,
    active: p.active,
    createdAt: p.createdAt,
  };
}

@Resolver(() => SlaPolicyObject)
export class SlaPolicyResolver {
  constructor(private readonly db: TenantDb) {}

  @Roles(...POLICY_READERS)
  @Query(() => [SlaPolicyObject], { description: "The tenant's active SLA policies (all versions with includeInactive), most severe first." })
  slaPolicies(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('includeInactive', { defaultValue: false }) includeInactive: boolean,
  ): Promise<SlaPolicyObject[]> {
    if (!callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
    return mapServiceErrors(async () => (await withCallerRead(ctx, this.db, (tx) => listSlaPolicies(tx, tenantId, { includeInactive }))).map(presentSlaPolicy));
  }

  @Roles(...POLICY_EDITORS)
  @Mutation(() => SlaPolicyObject, { description: 'Stores a new version of the policy for (tenant, severity); new incidents take it, open ones keep theirs until a severity change.' })
  upsertSlaPolicy(@CurrentCaller() caller: Caller, @Args('input', { type: () => SlaPolicyInput }) input: SlaPolicyInput): Promise<SlaPolicyObject> {
    if (typeof input.tenantId === 'string' && !callerSees(caller, input.tenantId)) throw notFound('tenant', input.tenantId);
    return mapServiceErrors(() =>
      withCallerScope(this.db, caller, async (tx) => {
        const policy = await upsertSlaPolicy(tx, {
          tenantId: input.tenantId,
          severity: input.severity as SlaSeverity,
          acknowledgeMinutes: input.acknowledgeMinutes,
          resolveMinutes: input.resolveMinutes,
          calendar: input.calendar
            ? { timezone: input.calendar.timezone, businessHours: input.calendar.businessHours.map((h) => ({ ...h })) as never, holidays: input.calendar.holidays ?? null }
            : null,
          pauseStatuses: input.pauseStatuses ?? null,
          warnFraction: input.warnFraction ?? null,
        });
        await appendAudit(tx, {
          tenantId: policy.tenantId, actorId: caller.userId, actorKind: 'user', action: 'sla_policy.upserted', targetType: 'sla_policy', targetId: policy.id,
          after: presentSlaPolicy(policy), requestId: caller.requestId,
        });
        return presentSlaPolicy(policy);
      }),
    );
  }
}

interface IncidentSlaRow {
  key: string;
  created_at: Date;
  status: string;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  paused_since: Date | null;
  paused_seconds: number;
  p_id: string | null;
  p_tenant_id: string;
  p_severity: SlaSeverity;
  p_version: number;
  p_acknowledge_minutes: number;
  p_resolve_minutes: number;
  p_calendar: SlaCalendar;
  p_pause_statuses: string[];
  p_warn_fraction: number;
  p_active: boolean;
  p_created_at: Date;
}

/** Incident.sla of many incidents in one query: each row with the policy version it carries. */
export function incidentSlaLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, IncidentSla | null>(ctx, 'incident-sla', async (keys) => {
    const pairs = keys.map((k) => k.split(':'));
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<IncidentSlaRow>(
        `SELECT i.tenant_id::text || ':' || i.id::text AS key, i.created_at, i.status, i.acknowledged_at, i.resolved_at, i.paused_since, i.paused_seconds,
                p.id AS p_id, p.tenant_id AS p_tenant_id, p.severity AS p_severity, p.version AS p_version, p.acknowledge_minutes AS p_acknowledge_minutes,
                p.resolve_minutes AS p_resolve_minutes, p.calendar AS p_calendar, p.pause_statuses AS p_pause_statuses, p.warn_fraction AS p_warn_fraction,
                p.active AS p_active, p.created_at AS p_created_at
         FROM unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, id)
         JOIN incidents i ON i.tenant_id = k.tenant_id AND i.id = k.id
         LEFT JOIN sla_policies p ON p.tenant_id = i.tenant_id AND p.id = i.sla_policy_id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      ),
    );
    const now = new Date();
    const byKey = new Map<string, IncidentSla | null>();
    for (const r of rows) {
      const policy: SlaPolicyRecord | null = r.p_id
        ? {
            id: r.p_id, tenantId: r.p_tenant_id, severity: r.p_severity, version: r.p_version, acknowledgeMinutes: r.p_acknowledge_minutes,
            resolveMinutes: r.p_resolve_minutes, calendar: r.p_calendar, pauseStatuses: r.p_pause_statuses,
            warnFraction: Math.round(Number(r.p_warn_fraction) * 1e6) / 1e6, active: r.p_active, createdAt: r.p_created_at,
          }
        : null;
      const fields = { createdAt: r.created_at, status: r.status, acknowledgedAt: r.acknowledged_at, resolvedAt: r.resolved_at, pausedSince: r.paused_since, pausedSeconds: r.paused_seconds };
      byKey.set(r.key, incidentSlaSnapshot(fields, policy, now));
    }
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** Adds `sla` to Incident (customers see it too: it is their contract). */
@Resolver(() => IncidentObject)
export class IncidentSlaResolver {
  constructor(private readonly db: TenantDb) {}

  @ResolveField(() => IncidentSlaObject, { nullable: true, description: 'Null until the SLA service has given the incident a policy (or when its tenant has none for the severity).' })
  sla(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<IncidentSla | null> {
    return incidentSlaLoader(ctx, this.db).load(`${incident.tenantId}:${incident.id}`);
  }
}
