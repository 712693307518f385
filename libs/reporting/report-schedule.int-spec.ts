import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { queueConnection, REPORT_JOBS, type ReportJobData } from '@watchfloor/queue';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { createScheduledReport, MONTHLY_REPORT_PATTERN, monthlySchedulerId, nextMonthlyRun, RECONCILE_SCHEDULER_ID, reconcileMonthlySchedulers, type ReportsQueue, ensureReconcileScheduler } from './report-schedule';
import { enqueueReportGeneration, requeueStaleReports, runReportJob, STALE_REPORT_MS } from './report-jobs';

describe('monthly report schedulers (BullMQ, Postgres)', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let queue: ReportsQueue;
  const berlin = crypto.randomUUID();
  const optedOut = crypto.randomUUID();
  const tokyo = crypto.randomUUID();

  const addTenant = (id: string, timezone: string, monthly: boolean) =>
    t.db.withScope(Scope.all('test fixture'), (tx) =>
      tx.query(`INSERT INTO tenants (id, name, slug, timezone, monthly_report) VALUES ($1, $2, $3, $4, $5)`, [id, `T ${id.slice(0, 4)}`, `t-${id.slice(0, 8)}`, timezone, monthly]),
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    queue = new Queue('reports', { connection: queueConnection(r.url), prefix: r.queuePrefix }) as ReportsQueue;
    await addTenant(berlin, 'Europe/Berlin', true);
    await addTenant(optedOut, 'Europe/Berlin', false);
  });
  afterAll(async () => {
    await queue.close();
    await r.cleanup();
    await t.drop();
  });

  const schedulers = async () => Object.fromEntries((await queue.getJobSchedulers(0, -1, true)).map((s) => [s.key, s]));

  it('creates a scheduler per opted-in tenant at 06:00 on the 1st in its zone; the next run is the next 1st 06:00 Berlin', async () => {
    const before = new Date();
    const plan = await reconcileMonthlySchedulers(t.db, queue);
    expect(plan.upsert.map((u) => u.tenantId)).toEqual([berlin]);
    const all = await schedulers();
    expect(Object.keys(all).filter((k) => k.startsWith('monthly-report:'))).toEqual([monthlySchedulerId(berlin)]);
    const s = all[monthlySchedulerId(berlin)];
    expect({ pattern: s.pattern, tz: s.tz, name: s.name }).toEqual({ pattern: MONTHLY_REPORT_PATTERN, tz: 'Europe/Berlin', name: REPORT_JOBS.monthly });
    // BullMQ's own cron evaluation agrees with ours.
    expect(new Date(Number(s.next)).toISOString()).toBe(nextMonthlyRun(before, 'Europe/Berlin').toISOString());
    // The waiting job fires then, and its timestamp + delay is that instant (what the processor passes as scheduledAt).
    const [delayed] = (await queue.getDelayed()).filter((j) => j.name === REPORT_JOBS.monthly);
    expect(delayed.data).toMatchObject({ tenantId: berlin });
    expect(delayed.timestamp + delayed.delay).toBe(Number(s.next));
  });

  it('picks up a tenant created later, follows a zone change and removes the scheduler when the tenant opts out', async () => {
    await addTenant(tokyo, 'Asia/Tokyo', true);
    const again = await reconcileMonthlySchedulers(t.db, queue);
    expect(again.upsert.map((u) => u.tenantId)).toEqual([tokyo]); // Berlin's is already right: left alone
    expect((await schedulers())[monthlySchedulerId(tokyo)].tz).toBe('Asia/Tokyo');

    await t.owner.query(`UPDATE tenants SET monthly_report = false WHERE id = $1`, [tokyo]);
    await t.owner.query(`UPDATE tenants SET timezone = 'America/New_York' WHERE id = $1`, [berlin]);
    const plan = await reconcileMonthlySchedulers(t.db, queue);
    expect(plan.remove).toEqual([monthlySchedulerId(tokyo)]);
    const all = await schedulers();
    expect(all[monthlySchedulerId(tokyo)]).toBeUndefined();
    expect(all[monthlySchedulerId(optedOut)]).toBeUndefined();
    expect(all[monthlySchedulerId(berlin)].tz).toBe('America/New_York');
    await t.owner.query(`UPDATE tenants SET timezone = 'Europe/Berlin' WHERE id = $1`, [berlin]);
  });

  it('registers the hourly reconcile once', async () => {
    await ensureReconcileScheduler(queue);
    await ensureReconcileScheduler(queue);
    const all = await queue.getJobSchedulers(0, -1, true);
    expect(all.filter((s) => s.key === RECONCILE_SCHEDULER_ID)).toHaveLength(1);
    expect(Number(all.find((s) => s.key === RECONCILE_SCHEDULER_ID)!.every)).toBe(3_600_000);
  });

  it('creates the previous month\'s SCHEDULED report once per tenant and period, and nothing for an opted-out tenant', async () => {
    const firedAt = new Date('2026-12-01T05:00:00Z');
    const first = await createScheduledReport(t.db, berlin, firedAt);
    expect(first).toMatchObject({ created: true, from: new Date('2026-10-31T23:00:00Z'), to: new Date('2026-11-30T23:00:00Z') });
    const second = await createScheduledReport(t.db, berlin, new Date('2026-12-01T07:30:00Z'));
    expect(second).toMatchObject({ created: false, reportId: first.reportId });
    const rows = await t.owner.query(`SELECT kind, status, period_from, period_to FROM reports WHERE tenant_id = $1`, [berlin]);
    expect(rows).toEqual([{ kind: 'SCHEDULED', status: 'QUEUED', period_from: new Date('2026-10-31T23:00:00Z'), period_to: new Date('2026-11-30T23:00:00Z') }]);

    expect(await createScheduledReport(t.db, optedOut, firedAt)).toMatchObject({ created: false, reportId: null, reason: expect.stringMatching(/opted out/) });
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM reports WHERE tenant_id = $1`, [optedOut]);
    expect(n).toBe(0);
  });

  it('the monthly job enqueues the report\'s generation (jobId = report id), twice fired still one report and one job', async () => {
    const added: { name: string; data: unknown; opts: unknown }[] = [];
    const reports = { add: async (name: string, data: unknown, opts?: unknown) => void added.push({ name, data, opts }) };
    const deps = { db: t.db, reports, deliver: { add: async () => undefined }, reconcile: () => reconcileMonthlySchedulers(t.db, queue) };
    const job = { name: REPORT_JOBS.monthly, data: { tenantId: berlin }, scheduledAt: new Date('2027-01-01T05:00:00Z') };
    const a = await runReportJob(deps, job);
    const b = await runReportJob(deps, job);
    expect(a.job === 'monthly' && a.outcome.created).toBe(true);
    expect(b.job === 'monthly' && b.outcome.created).toBe(false);
    const ids = added.map((x) => (x.opts as { jobId: string }).jobId);
    expect(new Set(ids).size).toBe(1);
    expect(added[0]).toMatchObject({ name: REPORT_JOBS.generate, data: { tenantId: berlin, reportId: ids[0] } });
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM reports WHERE tenant_id = $1 AND period_from = '2026-11-30T23:00:00Z'`, [berlin]);
    expect(n).toBe(1);
  });

  it('re-enqueues reports left QUEUED or RUNNING too long, not fresh or finished ones', async () => {
    const old = new Date(Date.now() - 3600_000);
    const ids = { queued: crypto.randomUUID(), running: crypto.randomUUID(), fresh: crypto.randomUUID(), ready: crypto.randomUUID() };
    await t.owner.query(`DELETE FROM reports`);
    await t.owner.query(
      `INSERT INTO reports (tenant_id, id, period_from, period_to, status, created_at, started_at) VALUES
       ($1, $2, '2026-01-01', '2026-02-01', 'QUEUED', $6, NULL), ($1, $3, '2026-01-01', '2026-02-01', 'RUNNING', $6, $6),
       ($1, $4, '2026-01-01', '2026-02-01', 'QUEUED', now(), NULL), ($1, $5, '2026-01-01', '2026-02-01', 'READY', $6, $6)`,
      [berlin, ids.queued, ids.running, ids.fresh, ids.ready, old],
    );
    // The queue still holds the first job of the QUEUED report under its plain id (as a failed job
    // would stay): re-adding that id would be ignored, so the retry needs its own id.
    const genQueue = queue as unknown as Queue<ReportJobData>;
    await enqueueReportGeneration(genQueue, { tenantId: berlin, reportId: ids.queued });
    const now = new Date();
    const n = await requeueStaleReports(t.db, genQueue, now);
    expect(n).toBe(2);
    const bucket = Math.floor(now.getTime() / STALE_REPORT_MS);
    const again = await Promise.all([ids.queued, ids.running].map((id) => genQueue.getJob(`${id}_r${bucket}`)));
    expect(again.map((j) => j?.data.reportId)).toEqual([ids.queued, ids.running]);
    expect(await genQueue.getJob(`${ids.fresh}_r${bucket}`)).toBeUndefined();
    // A second reconcile in the same window adds nothing more.
    const before = await genQueue.getJobCounts();
    await requeueStaleReports(t.db, genQueue, now);
    expect(await genQueue.getJobCounts()).toEqual(before);
  });
});
