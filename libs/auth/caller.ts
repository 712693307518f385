import { Scope, type ScopedTx, type TenantDb, type TenantScope } from '@watchfloor/tenancy';
import { isRole, Role, isCustomerRole } from './roles';

/** Who is asking: resolved once per request from the token and the memberships table. */
export interface Caller {
  userId: string;
  role: Role;
  email: string;
  displayName: string;
  /** Tenants the caller may see; for platform admins every tenant (allTenants). */
  tenantIds: readonly string[];
  allTenants: boolean;
  requestId: string;
}

export function isCustomer(caller: Caller): boolean {
  return isCustomerRole(caller.role);
}

export function callerScope(caller: Caller): TenantScope {
  return caller.allTenants ? Scope.all(`platform admin ${caller.userId} request ${caller.requestId}`) : Scope.tenants(caller.tenantIds);
}

/** Runs `work` in one transaction that sees exactly the caller's tenants (RLS). */
export function withCallerScope<T>(db: TenantDb, caller: Caller, work: (tx: ScopedTx) => Promise<T>): Promise<T> {
  return db.withScope(callerScope(caller), work);
}

export function callerSees(caller: Caller, tenantId: string): boolean {
  return caller.allTenants || caller.tenantIds.includes(tenantId.toLowerCase());
}

interface CallerRow {
  id: string;
  email: string;
  display_name: string;
  role: string;
  disabled: boolean;
  tenant_ids: string[] | null;
}

/**
 * Loads the user and their memberships. Memberships are tenant rows (RLS), so this reads them in
 * an all-tenants scope restricted by user id; null when the user is unknown or disabled.
 */
export async function resolveCaller(db: TenantDb, lookup: { userId?: string; oidcSubject?: string; email?: string }, requestId: string): Promise<Caller | null> {
  const rows = await db.withScope(Scope.all('resolve caller memberships'), (tx) =>
    tx.query<CallerRow>(
      `SELECT u.id, u.email, u.display_name, u.role, u.disabled,
              (SELECT array_agg(m.tenant_id::text ORDER BY m.tenant_id) FROM memberships m WHERE m.user_id = u.id) AS tenant_ids
       FROM users u
       WHERE CASE WHEN $1::uuid IS NOT NULL THEN u.id = $1::uuid
                  ELSE (u.oidc_subject = $2::text OR ($3::text IS NOT NULL AND lower(u.email) = lower($3::text))) END
       ORDER BY (u.oidc_subject IS NOT DISTINCT FROM $2::text) DESC
       LIMIT 1`,
      [lookup.userId ?? null, lookup.oidcSubject ?? null, lookup.email ?? null],
    ),
  );
  const row = rows[0];
  if (!row || row.disabled || !isRole(row.role)) return null;
  const allTenants = row.role === Role.PLATFORM_ADMIN;
  return {
    userId: row.id,
    role: row.role,
    email: row.email,
    displayName: row.display_name,
    tenantIds: row.tenant_ids ?? [],
    allTenants,
    requestId,
  };
}
