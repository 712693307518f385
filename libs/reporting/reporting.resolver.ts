import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { appendAudit } from '@watchfloor/audit';
import { type Caller, callerSees, CurrentCaller, isCustomer, Role, Roles, withCallerScope } from '@watchfloor/auth';
import { DomainError, DomainErrorCode, invalidInput, notFound } from '@watchfloor/errors';
import { REDIS, type JobQueue, type ReportJobData, type RedisClient } from '@watchfloor/queue';
import { injectTraceContext } from '@watchfloor/telemetry';
import { TenantDb, isUuid, type ScopedTx } from '@watchfloor/tenancy';
import { checkPeriod } from './period';
import { enqueueReportGeneration } from './report-jobs';
import { ReportingError, ReportingErrorCode } from './reporting.errors';
import { type ReportArtifactObject, ReportFormat, ReportKind, ReportObject, ReportStatus, TenantSummaryObject, toSummaryObject } from './reporting.types';
import { tenantSummary } from './tenant-summary';

export const REPORTS_QUEUE = Symbol('REPORTS_QUEUE');
export const REPORTING_OPTIONS = Symbol('REPORTING_OPTIONS');

export interface ReportingApiOptions {
  /** Redis key prefix (rate-limit counters). */
  keyPrefix: string;
  /** On-demand reports a customer tenant may request per window. */
  customerLimit: number;
  customerWindowSeconds: number;
}

export const DEFAULT_CUSTOMER_REPORT_LIMIT = 5;
export const DEFAULT_CUSTOMER_REPORT_WINDOW_SECONDS = 3600;

const GENERATORS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD, Role.SOC_ANALYST, Role.CUSTOMER_ADMIN];

interface ReportRow {
  id: string;
  tenant_id: string;
  period_from: Date;
  period_to: Date;
  status: ReportStatus;
  kind: ReportKind;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  formats: { format: ReportFormat; size_bytes: number; sha256: string }[] | null;
}

const REPORT_SELECT = `SELECT r.id, r.tenant_id, r.period_from, r.period_to, r.status, r.kind, r.created_at, r.started_at, r.finished_at, r.error,
  (SELECT json_agg(json_build_object('format', a.format, 'size_bytes', a.size_bytes, 'sha256', a.sha256) ORDER BY a.format DESC)
   FROM report_artifacts a WHERE a.tenant_id = r.tenant_id AND a.report_id = r.id) AS formats
  FROM reports r`;

function toReport(row: ReportRow, caller: Caller): ReportObject {
  const formats: ReportArtifactObject[] = row.status === 'READY'
    ? (row.formats ?? []).map((f) => ({ format: f.format, sizeBytes: Number(f.size_bytes), sha256: f.sha256, downloadPath: `/reports/${row.id}/download?format=${f.format.toLowerCase()}` }))
    : [];
  return {
    id: row.id, tenantId: row.tenant_id, from: row.period_from, to: row.period_to, status: row.status, kind: row.kind,
    createdAt: row.created_at, startedAt: row.started_at, finishedAt: row.finished_at,
    error: isCustomer(caller) ? null : row.error,
    formats,
  };
}

/** Another tenant's id is NOT_FOUND, never FORBIDDEN: its existence is not revealed. */
function visibleTenant(caller: Caller, tenantId: string): void {
  if (!isUuid(tenantId) || !callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
}

/** Library errors as API errors: a bad period or zone is the caller's input. */
export function domainErrorOf(err: unknown): unknown {
  if (!(err instanceof ReportingError)) return err;
  switch (err.code) {
    case ReportingErrorCode.InvalidPeriod:
    case ReportingErrorCode.InvalidTimezone:
      return invalidInput(err.message, { reason: err.code });
    case ReportingErrorCode.InvalidTenant:
    case ReportingErrorCode.ReportNotFound:
      return new DomainError(DomainErrorCode.NotFound, err.message);
    default:
      return err;
  }
}

async function tenantZone(tx: ScopedTx, tenantId: string): Promise<string> {
  const [t] = await tx.query<{ timezone: string }>(`SELECT timezone FROM tenants WHERE id = $1`, [tenantId]);
  if (!t) throw notFound('tenant', tenantId);
  return t.timezone;
}

// A fixed window per tenant: the first request opens it, later ones count into it (atomic).
const RATE_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return {n, redis.call('PTTL', KEYS[1])}`;

@Resolver(() => ReportObject)
export class ReportingResolver {
  constructor(
    private readonly db: TenantDb,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(REPORTS_QUEUE) private readonly queue: JobQueue<ReportJobData>,
    @Inject(REPORTING_OPTIONS) private readonly options: ReportingApiOptions,
  ) {}

  @Query(() => TenantSummaryObject, { description: "A tenant's figures for [from, to), computed now (counts, MTTA/MTTR, SLA compliance, tops, daily series, OT)." })
  async tenantSummary(
    @CurrentCaller() caller: Caller,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
  ): Promise<TenantSummaryObject> {
    visibleTenant(caller, tenantId);
    try {
      return await withCallerScope(this.db, caller, async (tx) => {
        const timezone = await tenantZone(tx, tenantId);
        checkPeriod(from, to, timezone);
        return toSummaryObject(await tenantSummary(tx, { tenantId, from, to, timezone }));
      });
    } catch (err) {
      throw domainErrorOf(err);
    }
  }

  @Query(() => [ReportObject], { description: "A tenant's reports, newest first." })
  async reports(@CurrentCaller() caller: Caller, @Args('tenantId', { type: () => ID }) tenantId: string): Promise<ReportObject[]> {
    visibleTenant(caller, tenantId);
    const rows = await withCallerScope(this.db, caller, (tx) => tx.query<ReportRow>(`${REPORT_SELECT} WHERE r.tenant_id = $1 ORDER BY r.created_at DESC, r.id LIMIT 500`, [tenantId]));
    return rows.map((r) => toReport(r, caller));
  }

  @Query(() => ReportObject, { description: "One report (to poll its status); NOT_FOUND when it does not exist or is another tenant's." })
  async report(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<ReportObject> {
    if (!isUuid(id)) throw notFound('report', id);
    const [row] = await withCallerScope(this.db, caller, (tx) => tx.query<ReportRow>(`${REPORT_SELECT} WHERE r.id = $1`, [id]));
    if (!row) throw notFound('report', id);
    return toReport(row, caller);
  }

  @Roles(...GENERATORS)
  @Mutation(() => ReportObject, { description: 'Queues a report for [from, to) (PDF, CSV, JSON). Customers: a few per hour per tenant (BAD_USER_INPUT reason RATE_LIMITED with retryAfterSeconds).' })
  async generateReport(
    @CurrentCaller() caller: Caller,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
  ): Promise<ReportObject> {
    visibleTenant(caller, tenantId);
    let slot: string | null = null;
    try {
      const row = await withCallerScope(this.db, caller, async (tx) => {
        checkPeriod(from, to, await tenantZone(tx, tenantId));
        // Counted only for a valid request; a refusal throws before the insert.
        if (isCustomer(caller)) slot = await this.takeCustomerSlot(tenantId);
        const [inserted] = await tx.query<ReportRow>(
          `WITH r AS (INSERT INTO reports (tenant_id, period_from, period_to, kind, status, requested_by) VALUES ($1, $2, $3, 'ON_DEMAND', 'QUEUED', $4) RETURNING *)
           SELECT r.id, r.tenant_id, r.period_from, r.period_to, r.status, r.kind, r.created_at, r.started_at, r.finished_at, r.error, NULL::json AS formats FROM r`,
          [tenantId, from, to, caller.userId],
        );
        await appendAudit(tx, {
          tenantId, actorId: caller.userId, actorKind: 'user', action: 'report.requested', targetType: 'report', targetId: inserted.id,
          after: { from: from.toISOString(), to: to.toISOString() }, requestId: caller.requestId,
        });
        return inserted;
      });
      // After commit: the worker must find the row. A lost enqueue is re-enqueued by the hourly reconcile.
      slot = null;
      await enqueueReportGeneration(this.queue, { tenantId, reportId: row.id, trace: injectTraceContext() });
      return toReport(row, caller);
    } catch (err) {
      // Nothing was created: give the customer their slot back.
      if (slot) await this.redis.decr(slot).catch(() => undefined);
      throw domainErrorOf(err);
    }
  }

  /** Takes one of the tenant's on-demand slots (returns its counter key) or refuses with the retry time. */
  private async takeCustomerSlot(tenantId: string): Promise<string> {
    const { keyPrefix, customerLimit, customerWindowSeconds } = this.options;
    const key = `${keyPrefix}report-rate:${tenantId.toLowerCase()}`;
    const [n, ttlMs] = (await this.redis.eval(RATE_SCRIPT, 1, key, String(customerWindowSeconds * 1000))) as [number, number];
    if (n > customerLimit) {
      const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
      throw invalidInput(`report limit reached: ${customerLimit} on-demand reports per ${customerWindowSeconds / 60} minutes for this tenant; try again in ${retryAfterSeconds} s`, {
        reason: 'RATE_LIMITED', retryAfterSeconds,
      });
    }
    return key;
  }
}
