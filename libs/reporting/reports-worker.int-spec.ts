import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import pino from 'pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { workerSchema } from '@watchfloor/config';
import { createHttpApp } from '@watchfloor/health';
import { queueConnection, REPORT_JOBS, type ReportJobData } from '@watchfloor/queue';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { WorkerAppModule } from '../../apps/worker/worker-app.module';
import { enqueueReportGeneration } from './report-jobs';
import { monthlySchedulerId, RECONCILE_SCHEDULER_ID } from './report-schedule';

describe('worker wiring: the reports queue', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let app: NestFastifyApplication;
  let queue: Queue<ReportJobData>;
  const tenant = crypto.randomUUID();
  const optedOut = crypto.randomUUID();

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    await t.db.withScope(Scope.all('test fixture'), (tx) =>
      tx.query(`INSERT INTO tenants (id, name, slug, timezone, monthly_report) VALUES ($1, 'Alpha', $2, 'Europe/Berlin', true), ($3, 'Beta', $4, 'UTC', false)`, [
        tenant, `t-${tenant.slice(0, 8)}`, optedOut, `t-${optedOut.slice(0, 8)}`,
      ]),
    );
    const prefix = r.queuePrefix;
    const config = workerSchema.parse({ NODE_ENV: 'test', DATABASE_URL: t.url, REDIS_URL: r.url, LOG_LEVEL: 'silent', QUEUE_PREFIX: prefix, WORKER_QUEUES: 'reports' });
    app = await createHttpApp(WorkerAppModule.forRoot(config), { service: 'watchfloor-worker-test', logger: pino({ level: 'silent' }), shutdownHooks: false });
    await app.init();
    queue = new Queue<ReportJobData>('reports', { connection: queueConnection(r.url), prefix });
  });
  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await r.cleanup();
    await t.drop();
  });

  it('reconciles the monthly schedulers at boot (opted-out tenants skipped) and registers the hourly reconcile', async () => {
    const keys = (await queue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
    expect(keys).toEqual([monthlySchedulerId(tenant), RECONCILE_SCHEDULER_ID].sort());
  });

  it('produces a queued report with its three artefacts', async () => {
    const reportId = crypto.randomUUID();
    await t.owner.query(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, '2026-10-31T23:00:00Z', '2026-11-30T23:00:00Z')`, [tenant, reportId]);
    await enqueueReportGeneration(queue, { tenantId: tenant, reportId });
    const job = await queue.getJob(reportId);
    expect(job?.name).toBe(REPORT_JOBS.generate);
    const end = Date.now() + 60_000;
    let status = 'QUEUED';
    while (Date.now() < end && status !== 'READY' && status !== 'FAILED') {
      await new Promise((res) => setTimeout(res, 200));
      [{ status }] = await t.owner.query(`SELECT status FROM reports WHERE id = $1`, [reportId]);
    }
    expect(status).toBe('READY');
    const formats = await t.owner.query(`SELECT format FROM report_artifacts WHERE report_id = $1 ORDER BY format`, [reportId]);
    expect(formats.map((f: { format: string }) => f.format)).toEqual(['CSV', 'JSON', 'PDF']);
  });
});
