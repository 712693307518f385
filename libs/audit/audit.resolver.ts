import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { type ApiContext, type Caller, callerSees, Ctx, CurrentCaller, Role, Roles, withCallerRead } from '@watchfloor/auth';
import { notFound } from '@watchfloor/errors';
import { type Connection, decodeCursor, pageSize, toConnection } from '@watchfloor/pagination';
import { TenantDb } from '@watchfloor/tenancy';
import { type AuditRow, verifyAuditChain } from './audit-chain';
import { AuditChainStatusObject, AuditEntryConnection, type AuditEntryObject } from './audit.types';

const AUDIT_COLUMNS = `tenant_id AS "tenantId", id::text AS id, seq, actor_id AS "actorId", actor_kind AS "actorKind", action,
  target_type AS "targetType", target_id AS "targetId", before, after, request_id AS "requestId", created_at AS "createdAt",
  prev_hash AS "prevHash", hash`;

/** Read-only: both queries run in the request's shared read transaction (caller scope, RLS). */
@Resolver()
export class AuditResolver {
  constructor(private readonly db: TenantDb) {}

  @Roles(Role.PLATFORM_ADMIN, Role.SOC_LEAD)
  @Query(() => AuditEntryConnection, { description: 'Audit entries, newest first; without tenantId every visible tenant.' })
  async auditLog(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('tenantId', { type: () => ID, nullable: true }) tenantId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<AuditEntryObject>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after, 2);
    if (tenantId && !callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
    return withCallerRead(ctx, this.db, async (tx) => {
      const where = [`($1::uuid IS NULL OR tenant_id = $1::uuid)`];
      const params: unknown[] = [tenantId];
      const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE ${where[0]}`, params);
      if (cursor) {
        params.push(cursor[0], cursor[1]);
        where.push(`(created_at, id) < ($2::timestamptz, $3::bigint)`);
      }
      params.push(limit + 1);
      const rows = await tx.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return toConnection(rows, limit, n, (r) => [new Date(r.createdAt).toISOString(), r.id], (r) => ({ ...r, seq: Number(r.seq) }));
    });
  }

  @Roles(Role.PLATFORM_ADMIN, Role.SOC_LEAD)
  @Query(() => AuditChainStatusObject, { description: "Re-verifies a tenant's audit hash chain." })
  async auditChainStatus(
    @CurrentCaller() caller: Caller,
    @Ctx() ctx: ApiContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<AuditChainStatusObject> {
    if (!callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
    return withCallerRead(ctx, this.db, (tx) => verifyAuditChain(tx, tenantId));
  }
}
