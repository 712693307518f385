import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, isCustomer, presentUser, requireCaller, UserObject, userLoader, withCallerRead } from '@watchfloor/auth';
import { notFound } from '@watchfloor/errors';
import { type EventObject, EventObject as EventType, eventLoader } from '@watchfloor/event-search';
import { AssetObject, assetLoader } from '@watchfloor/inventory';
import { type Connection, decodeCursor, pageSize } from '@watchfloor/pagination';
import { TenantObject } from '@watchfloor/tenants';
import { TenantDb } from '@watchfloor/tenancy';
import { incidentById, listAlerts, listIncidents } from './incident-store';
import { alertsByIncidentLoader, INCIDENT_ALERTS_SHOWN, incidentLoader, tenantLoader, timelineLoader } from './triage-loaders';
import { JSONScalar } from '@watchfloor/scalars';
import {
  ActivityObject, type ActivityRow, AlertConnection, AlertFilter, AlertObject, type AlertRow, IncidentConnection, IncidentFilter, IncidentObject,
  IncidentOrder, type IncidentRow,
} from './triage.types';

/** Events shown on an incident, from its alerts' event ids. */
export const INCIDENT_EVENTS_SHOWN = 100;

/**
 * Another tenant's id in a filter is NOT_FOUND. Without a tenant filter, a caller with a tenant
 * list gets it as an explicit condition: RLS would hide other rows anyway, but the explicit list
 * lets Postgres use the tenant-first indexes instead of filtering every row.
 */
function scopedTenantIds(caller: Caller, tenantIds: string[] | null | undefined): string[] | null {
  for (const id of tenantIds ?? []) if (!callerSees(caller, id)) throw notFound('tenant', id);
  if (tenantIds?.length) return tenantIds;
  return caller.allTenants ? null : [...caller.tenantIds];
}

@Resolver(() => IncidentObject)
export class IncidentResolver {
  constructor(private readonly db: TenantDb) {}

  @Query(() => IncidentConnection, { description: 'Incidents in the caller\'s tenants; default newest first.' })
  incidents(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('filter', { type: () => IncidentFilter, nullable: true }) filter: IncidentFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('orderBy', { type: () => IncidentOrder, nullable: true }) orderBy: IncidentOrder | null,
  ): Promise<Connection<IncidentRow>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after, 2);
    const tenantIds = scopedTenantIds(caller, filter?.tenantIds);
    return withCallerRead(ctx, this.db, (tx) => listIncidents(tx, { ...filter, tenantIds }, orderBy, limit, cursor));
  }

  @Query(() => IncidentObject, { nullable: true, description: 'One incident; null (with NOT_FOUND) outside the caller\'s tenants.' })
  async incident(@Ctx() ctx: ApiContext, @Args('id', { type: () => ID }) id: string): Promise<IncidentRow> {
    const row = await withCallerRead(ctx, this.db, (tx) => incidentById(tx, id));
    if (!row) throw notFound('incident', id);
    return row;
  }

  @ResolveField(() => UserObject, { nullable: true })
  async assignee(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<UserObject | null> {
    if (!incident.assigneeId) return null;
    const user = await userLoader(ctx, this.db).load(incident.assigneeId);
    return user ? presentUser(user, ctx.caller) : null;
  }

  @ResolveField(() => TenantObject)
  async tenant(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<TenantObject> {
    const tenant = await tenantLoader(ctx, this.db).load(incident.tenantId);
    if (!tenant) throw notFound('tenant', incident.tenantId);
    return tenant;
  }

  @ResolveField(() => [AlertObject], { description: `The newest ${INCIDENT_ALERTS_SHOWN} alerts of the incident (alertCount has the total).` })
  alerts(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<AlertRow[]> {
    return alertsByIncidentLoader(ctx, this.db).load(`${incident.tenantId}:${incident.id}`);
  }

  @ResolveField(() => [EventType], { description: `Up to ${INCIDENT_EVENTS_SHOWN} events behind the incident's alerts.` })
  async events(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<EventObject[]> {
    const alerts = await alertsByIncidentLoader(ctx, this.db).load(`${incident.tenantId}:${incident.id}`);
    const ids = [...new Set(alerts.flatMap((a) => a.eventIds ?? []))].slice(0, INCIDENT_EVENTS_SHOWN);
    const events = await eventLoader(ctx, this.db).loadMany(ids.map((id) => `${incident.tenantId}:${id}`));
    return events.filter((e): e is EventObject => !!e && !(e instanceof Error)).sort((a, b) => new Date(a.ts).getTime() - new Date(b.ts).getTime());
  }

  @ResolveField(() => [AssetObject])
  async assets(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<AssetObject[]> {
    if (!incident.assetIds?.length) return [];
    const assets = await assetLoader(ctx, this.db).loadMany(incident.assetIds);
    return assets.filter((a): a is AssetObject => !!a && !(a instanceof Error));
  }

  @ResolveField(() => [ActivityObject], { description: 'Oldest first; customers see CUSTOMER entries only.' })
  timeline(@Parent() incident: IncidentRow, @Ctx() ctx: ApiContext): Promise<ActivityRow[]> {
    return timelineLoader(ctx, this.db).load(`${incident.tenantId}:${incident.id}`);
  }
}

@Resolver(() => AlertObject)
export class AlertResolver {
  constructor(private readonly db: TenantDb) {}

  @Query(() => AlertConnection, { description: 'Alerts, newest first.' })
  alerts(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('filter', { type: () => AlertFilter, nullable: true }) filter: AlertFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<AlertRow>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after, 2);
    const tenantIds = scopedTenantIds(caller, filter?.tenantIds);
    return withCallerRead(ctx, this.db, (tx) => listAlerts(tx, { ...filter, tenantIds }, limit, cursor));
  }

  @ResolveField(() => IncidentObject, { nullable: true })
  incident(@Parent() alert: AlertRow, @Ctx() ctx: ApiContext): Promise<IncidentRow | null> | null {
    return alert.incidentId ? incidentLoader(ctx, this.db).load(alert.incidentId) : null;
  }

  @ResolveField(() => ID, { nullable: true })
  ruleId(@Parent() alert: AlertRow, @Ctx() ctx: ApiContext): string | null {
    return isCustomer(requireCaller(ctx)) ? null : alert.ruleId;
  }

  @ResolveField(() => JSONScalar, { nullable: true, description: 'Detection internals (matched fields, rule reference); null for customers.' })
  details(@Parent() alert: AlertRow, @Ctx() ctx: ApiContext): unknown {
    return isCustomer(requireCaller(ctx)) ? null : { ruleRef: alert.ruleRef, ruleKind: alert.ruleKind, disposition: alert.disposition, ...(alert.details as object) };
  }
}

@Resolver(() => ActivityObject)
export class ActivityResolver {
  constructor(private readonly db: TenantDb) {}

  @ResolveField(() => UserObject, { nullable: true })
  async actor(@Parent() activity: ActivityRow, @Ctx() ctx: ApiContext): Promise<UserObject | null> {
    if (!activity.actorId) return null;
    const user = await userLoader(ctx, this.db).load(activity.actorId);
    return user ? presentUser(user, ctx.caller) : null;
  }
}
