import type { TenantDb } from '@watchfloor/tenancy';
import { loaderFor, withCallerRead, type ApiContext } from './request-context';
import type { UserRecord } from './auth.types';
import type { Role } from './roles';

/**
 * Users by id, batched per request. Users are global rows; memberships are read in the caller's
 * own scope so a user's tenants outside it are not listed.
 */
export function userLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, UserRecord | null>(ctx, 'users', async (ids) => {
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<UserRecord>(
        `SELECT u.id, u.email, u.display_name AS "displayName", u.role,
                coalesce((SELECT array_agg(m.tenant_id::text ORDER BY m.tenant_id) FROM memberships m WHERE m.user_id = u.id), '{}') AS "tenantIds"
         FROM users u WHERE u.id = ANY($1::uuid[])`,
        [ids],
      ),
    );
    const byId = new Map(rows.map((r) => [r.id, { ...r, role: r.role as Role }]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
