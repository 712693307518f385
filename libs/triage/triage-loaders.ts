import { type ApiContext, isCustomer, groupBy, loaderFor, requireCaller, withCallerRead } from '@watchfloor/auth';
import type { TenantDb } from '@watchfloor/tenancy';
import { TENANT_COLUMNS, type TenantObject } from '@watchfloor/tenants';
import { ALERT_COLUMNS, INCIDENT_COLUMNS } from './incident-store';
import { ACTIVITY_COLUMNS } from './triage-service';
import type { ActivityRow, AlertRow, IncidentRow } from './triage.types';

/** Alerts shown on an incident (newest first). */
export const INCIDENT_ALERTS_SHOWN = 100;

export function incidentLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, IncidentRow | null>(ctx, 'incidents', async (ids) => {
    const rows = await withCallerRead(ctx, db, (tx) => tx.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents i WHERE i.id = ANY($1::uuid[])`, [ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Keys are "tenantId:incidentId" so the tenant-first index serves the lookup. */
export function alertsByIncidentLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, AlertRow[]>(ctx, 'incident-alerts', async (keys) => {
    const pairs = keys.map((k) => k.split(':'));
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<AlertRow & { groupKey: string }>(
        `SELECT x.*, k.tenant_id::text || ':' || k.incident_id::text AS "groupKey" FROM unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, incident_id)
         CROSS JOIN LATERAL (
           SELECT ${ALERT_COLUMNS} FROM incident_alerts ia JOIN alerts a ON a.tenant_id = ia.tenant_id AND a.id = ia.alert_id
           WHERE ia.tenant_id = k.tenant_id AND ia.incident_id = k.incident_id
           ORDER BY a.created_at DESC, a.id DESC LIMIT ${INCIDENT_ALERTS_SHOWN}) x`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      ),
    );
    const grouped = groupBy(rows as (AlertRow & { groupKey: string })[], (r) => r.groupKey);
    return keys.map((k) => grouped.get(k) ?? []);
  });
}

/** The timeline; customers get CUSTOMER entries only (filtered in SQL, never in the client). */
export function timelineLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, ActivityRow[]>(ctx, 'timeline', async (keys) => {
    const caller = requireCaller(ctx);
    const pairs = keys.map((k) => k.split(':'));
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<ActivityRow>(
        `SELECT ${ACTIVITY_COLUMNS}
         FROM incident_activity act JOIN unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, incident_id)
           ON act.tenant_id = k.tenant_id AND act.incident_id = k.incident_id
         WHERE ($3::boolean = false OR act.visibility = 'CUSTOMER')
         ORDER BY act.created_at, act.id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1]), isCustomer(caller)],
      ),
    );
    const grouped = groupBy(rows, (r) => `${r.tenantId}:${r.incidentId}`);
    return keys.map((k) => grouped.get(k) ?? []);
  });
}

/** Columns and row shape come from the tenants lib, so a Tenant reads the same here as in `tenants`. */
export function tenantLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, TenantObject | null>(ctx, 'tenants', async (ids) => {
    const rows = await withCallerRead(ctx, db, (tx) => tx.query<TenantObject>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = ANY($1::uuid[])`, [ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
