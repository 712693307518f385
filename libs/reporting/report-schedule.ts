import crypto from 'node:crypto';
import { DateTime, IANAZone } from 'luxon';
import type { Queue } from 'bullmq';
import { type MonthlyReportJobData, REPORT_JOBS, type ReportJobData, type ReportReconcileJobData } from '@watchfloor/queue';
import { Scope, type TenantDb } from '@watchfloor/tenancy';
import { ReportingError, ReportingErrorCode } from './reporting.errors';

/** Monthly reports: 06:00 local time on the 1st, for the month before. */
export const MONTHLY_REPORT_PATTERN = '0 6 1 * *';
export const MONTHLY_SCHEDULER_PREFIX = 'monthly-report:';
export const RECONCILE_SCHEDULER_ID = 'monthly-report-reconcile';
export const RECONCILE_EVERY_MS = 3_600_000;

export function monthlySchedulerId(tenantId: string): string {
  return `${MONTHLY_SCHEDULER_PREFIX}${tenantId}`;
}

function zoneOrThrow(timezone: string): string {
  if (typeof timezone !== 'string' || !IANAZone.isValidZone(timezone)) throw new ReportingError(ReportingErrorCode.InvalidTimezone, `unknown time zone: ${JSON.stringify(timezone)}`);
  return timezone;
}

/** The calendar month before the one `at` falls in, in the tenant's zone: [1st 00:00, next 1st 00:00). */
export function previousMonthPeriod(at: Date, timezone: string): { from: Date; to: Date } {
  const thisMonth = DateTime.fromJSDate(at, { zone: zoneOrThrow(timezone) }).startOf('month');
  return { from: thisMonth.minus({ months: 1 }).toJSDate(), to: thisMonth.toJSDate() };
}

/** The first monthly run strictly after `after`: the next 1st of a month at 06:00 in the zone. */
export function nextMonthlyRun(after: Date, timezone: string): Date {
  const local = DateTime.fromJSDate(after, { zone: zoneOrThrow(timezone) });
  const candidate = local.startOf('month').set({ hour: 6 });
  return (candidate > local ? candidate : candidate.plus({ months: 1 }).startOf('month').set({ hour: 6 })).toJSDate();
}

export interface TenantScheduleRow {
  id: string;
  timezone: string;
  monthlyReport: boolean;
}
export interface ExistingScheduler {
  key: string;
  pattern?: string | null;
  tz?: string | null;
}
export interface SchedulePlan {
  upsert: { schedulerId: string; tenantId: string; timezone: string }[];
  remove: string[];
  /** Tenants whose stored zone is unknown: no scheduler until it is fixed. */
  invalid: { tenantId: string; timezone: string }[];
}

/**
 * What to change so that exactly the opted-in tenants have a monthly scheduler with the right
 * zone (pure). Schedulers already right are left alone, so an hourly run does not reset them.
 */
export function planMonthlySchedulers(tenants: readonly TenantScheduleRow[], existing: readonly ExistingScheduler[]): SchedulePlan {
  const current = new Map(existing.filter((s) => s.key.startsWith(MONTHLY_SCHEDULER_PREFIX)).map((s) => [s.key, s]));
  const plan: SchedulePlan = { upsert: [], remove: [], invalid: [] };
  const wanted = new Set<string>();
  for (const t of tenants) {
    if (!t.monthlyReport) continue;
    if (!IANAZone.isValidZone(t.timezone)) {
      plan.invalid.push({ tenantId: t.id, timezone: t.timezone });
      continue;
    }
    const schedulerId = monthlySchedulerId(t.id);
    wanted.add(schedulerId);
    const have = current.get(schedulerId);
    if (!have || have.pattern !== MONTHLY_REPORT_PATTERN || (have.tz ?? null) !== t.timezone) plan.upsert.push({ schedulerId, tenantId: t.id, timezone: t.timezone });
  }
  for (const key of current.keys()) if (!wanted.has(key)) plan.remove.push(key);
  return plan;
}

export type ReportsQueue = Queue<ReportJobData | MonthlyReportJobData | ReportReconcileJobData>;

/** Reads every tenant's zone and opt-in (platform job), then applies the plan to the queue. */
export async function reconcileMonthlySchedulers(db: TenantDb, queue: ReportsQueue): Promise<SchedulePlan> {
  const tenants = await db.withScope(Scope.all('reports: reconcile monthly report schedulers'), (tx) =>
    tx.query<{ id: string; timezone: string; monthly_report: boolean }>(`SELECT id, timezone, monthly_report FROM tenants ORDER BY id`),
  );
  const existing: ExistingScheduler[] = [];
  for (let start = 0; ; start += 500) {
    const page = await queue.getJobSchedulers(start, start + 499, true);
    existing.push(...page.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz })));
    if (page.length < 500) break;
  }
  const plan = planMonthlySchedulers(tenants.map((t) => ({ id: t.id, timezone: t.timezone, monthlyReport: t.monthly_report })), existing);
  for (const u of plan.upsert) {
    await queue.upsertJobScheduler(u.schedulerId, { pattern: MONTHLY_REPORT_PATTERN, tz: u.timezone }, {
      name: REPORT_JOBS.monthly,
      data: { tenantId: u.tenantId },
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
  }
  for (const id of plan.remove) await queue.removeJobScheduler(id);
  return plan;
}

/** The hourly reconcile job (tenants created later get their scheduler within the hour). */
export async function ensureReconcileScheduler(queue: ReportsQueue): Promise<void> {
  await queue.upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: RECONCILE_EVERY_MS }, {
    name: REPORT_JOBS.reconcile,
    data: { tenantId: null },
    opts: { removeOnComplete: 100, removeOnFail: 1000 },
  });
}

/**
 * The id of a tenant's scheduled report for a period: a UUID derived from tenant and period, so
 * two runs for the same month (retry, two workers, a late reconcile) insert the same row once.
 */
export function scheduledReportId(tenantId: string, from: Date, to: Date): string {
  const h = crypto.createHash('sha256').update(`scheduled-report:${tenantId.toLowerCase()}:${from.toISOString()}:${to.toISOString()}`).digest('hex');
  // RFC 4122 layout, version 8 (custom), variant 10.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type ScheduledReportOutcome =
  | { created: true; reportId: string; from: Date; to: Date }
  | { created: false; reportId: string | null; from: Date; to: Date; reason: string };

/**
 * The previous calendar month's SCHEDULED report of a tenant, created once per tenant and period.
 * `at` is when the schedule fired. An opted-out tenant gets nothing (its scheduler is removed at
 * the next reconcile).
 */
export async function createScheduledReport(db: TenantDb, tenantId: string, at: Date): Promise<ScheduledReportOutcome> {
  return db.withScope(Scope.tenant(tenantId), async (tx) => {
    const [tenant] = await tx.query<{ timezone: string; monthly_report: boolean }>(`SELECT timezone, monthly_report FROM tenants WHERE id = $1`, [tenantId]);
    if (!tenant) throw new ReportingError(ReportingErrorCode.InvalidTenant, `tenant ${tenantId} not found`);
    const { from, to } = previousMonthPeriod(at, tenant.timezone);
    if (!tenant.monthly_report) return { created: false, reportId: null, from, to, reason: 'tenant opted out of monthly reports' };
    const [existing] = await tx.query<{ id: string }>(
      `SELECT id FROM reports WHERE tenant_id = $1 AND kind = 'SCHEDULED' AND period_from = $2 AND period_to = $3 ORDER BY created_at LIMIT 1`,
      [tenantId, from, to],
    );
    if (existing) return { created: false, reportId: existing.id, from, to, reason: 'report for this period exists' };
    const reportId = scheduledReportId(tenantId, from, to);
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO reports (tenant_id, id, period_from, period_to, kind, status) VALUES ($1, $2, $3, $4, 'SCHEDULED', 'QUEUED')
       ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
      [tenantId, reportId, from, to],
    );
    return inserted.length ? { created: true, reportId, from, to } : { created: false, reportId, from, to, reason: 'report for this period exists' };
  });
}
