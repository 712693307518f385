import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { loadConfig, workerSchema } from '@watchfloor/config';
import { createWebhookEndpoint, type DeliverJobData, upsertEscalationPolicy } from '@watchfloor/paging';
import { INCIDENT_EVENT_JOB, incidentEventJobId, type IncidentEventJobData, queueConnection } from '@watchfloor/queue';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { SLA_SWEEP_SCHEDULER_ID, type SlaCheckJobData } from '@watchfloor/sla';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { until } from '../../test/until';
import { handleDeliverJob } from './deliver.processor';
import { handleSlaJob, type SlaJobData } from './sla.processor';
import { WorkerAppModule } from './worker-app.module';

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

async function startReceiver() {
  const hits: Hit[] = [];
  const scripts = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const script = scripts.get(req.url ?? '') ?? [];
      res.writeHead(script.length > 1 ? script.shift()! : (script[0] ?? 200));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { hits, scripts, url: (p: string) => `http://127.0.0.1:${port}${p}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// The receiver is polled every 50 ms for at most 15 s.
const WAIT_MS = 15_000;
const POLL_MS = 50;

const typeOf = (h: Hit) => JSON.parse(h.body).type as string;

describe('sla and deliver queues (integration: BullMQ, Postgres, a receiver on 127.0.0.1)', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tenantId: string;
  const secretBox = secretBoxFromEnv();

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await r.cleanup();
    await t.drop();
  });
  beforeEach(async () => {
    tenantId = crypto.randomUUID();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Stadtwerke Nord', $2)`, [tenantId, `sw-${tenantId.slice(0, 8)}`]);
  });

  async function policyWith(levels: Array<{ delaySeconds: number; paths: string[] }>) {
    const secrets = new Map<string, string>();
    const ids: string[][] = [];
    for (const level of levels) {
      const row: string[] = [];
      for (const p of level.paths) {
        const ep = await t.db.withScope(Scope.tenant(tenantId), (tx) =>
          createWebhookEndpoint(tx, { tenantId, name: `ep ${p}`, kind: 'STANDARD', url: receiver.url(p) }, { allowPrivate: true, secretBox }),
        );
        secrets.set(p, ep.secret!);
        row.push(ep.endpoint.id);
      }
      ids.push(row);
    }
    await t.db.withScope(Scope.tenant(tenantId), (tx) =>
      upsertEscalationPolicy(tx, { tenantId, name: 'on-call', levels: levels.map((l, i) => ({ delaySeconds: l.delaySeconds, webhookEndpointIds: ids[i] })) }),
    );
    return secrets;
  }
  async function incident(): Promise<string> {
    const id = crypto.randomUUID();
    await t.owner.query(
      `INSERT INTO incidents (tenant_id, id, title, severity, grouping_key, window_started_at, last_alert_at) VALUES ($1, $2, 'Modbus write to PLC-7', 'HIGH', $3, now(), now())`,
      [tenantId, id, `k-${id}`],
    );
    return id;
  }
  const event = (incidentId: string, type: IncidentEventJobData['type'], version: number): IncidentEventJobData => ({ tenantId, incidentId, type, version, at: new Date().toISOString() });

  it('direct workers: a 503 is retried by a delayed job with the same webhook-id; level 2 pages after its delay', async () => {
    const connection = queueConnection(r.url);
    const prefix = `{${r.prefix}-direct}`;
    const sla = new Queue<SlaJobData>('sla', { connection, prefix });
    const deliver = new Queue<DeliverJobData>('deliver', { connection, prefix });
    const queues = { sla: sla as unknown as Queue<SlaCheckJobData>, deliver };
    const slaWorker = new Worker<SlaJobData>('sla', (job) => handleSlaJob({ db: t.db, queues, now: () => new Date(), incidentLink: (id) => `https://soc.example/${id}` }, job), { connection, prefix });
    const deliverWorker = new Worker<DeliverJobData>(
      'deliver',
      (job) => handleDeliverJob({ db: t.db, queue: deliver, options: { secretBox, allowPrivate: true, timeoutMs: 2000, maxAttempts: 4, retryBaseMs: 300 } }, job.data),
      { connection, prefix },
    );
    try {
      receiver.scripts.set('/direct/a', [503, 200]);
      await policyWith([
        { delaySeconds: 0, paths: ['/direct/a'] },
        { delaySeconds: 2, paths: ['/direct/b'] },
      ]);
      const id = await incident();
      const opened = event(id, 'incident.opened', 1);
      await sla.add(INCIDENT_EVENT_JOB, opened, { jobId: incidentEventJobId(opened) });
      await sla.add(INCIDENT_EVENT_JOB, opened, { jobId: incidentEventJobId(opened) }); // a replay is a no-op

      const a = await until(
        'retry to reach /direct/a',
        () => {
          const hits = receiver.hits.filter((h) => h.path === '/direct/a');
          return hits.length >= 2 ? hits : undefined;
        },
        WAIT_MS,
        POLL_MS,
      );
      expect(a).toHaveLength(2);
      expect(a[0].headers['webhook-id']).toBe(a[1].headers['webhook-id']);
      expect(a.map(typeOf)).toEqual(['incident.triggered', 'incident.triggered']);
      const b = await until('level 2', () => receiver.hits.find((h) => h.path === '/direct/b'), WAIT_MS, POLL_MS);
      expect(typeOf(b)).toBe('incident.escalated');
      const [row] = await t.owner.query(`SELECT status, attempt_count FROM deliveries WHERE tenant_id = $1 AND event_type = 'incident.triggered'`, [tenantId]);
      expect(row).toEqual({ status: 'DELIVERED', attempt_count: 2 });
    } finally {
      await slaWorker.close();
      await deliverWorker.close();
      await sla.close();
      await deliver.close();
    }
  });

  it('the worker app: consumes incident events, schedules the sweep, pages, and stops at the acknowledgement', async () => {
    const prefix = `{${r.prefix}-app}`;
    const config = loadConfig(workerSchema, {
      DATABASE_URL: t.url,
      REDIS_URL: r.url,
      QUEUE_PREFIX: prefix,
      WORKER_QUEUES: 'sla,deliver',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'silent',
      DATABASE_POOL_SIZE: '4',
    });
    let app: INestApplicationContext | undefined;
    const sla = new Queue<IncidentEventJobData>('sla', { connection: queueConnection(r.url), prefix });
    try {
      app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), { logger: false });
      await app.init();
      const schedulers = await sla.getJobSchedulers();
      expect(schedulers.map((s) => [s.key ?? s.id, s.every])).toContainEqual([SLA_SWEEP_SCHEDULER_ID, 30_000]);

      const secrets = await policyWith([
        { delaySeconds: 0, paths: ['/app/a'] },
        { delaySeconds: 2, paths: ['/app/b'] },
        { delaySeconds: 6, paths: ['/app/c'] },
      ]);
      const id = await incident();
      await sla.add(INCIDENT_EVENT_JOB, event(id, 'incident.opened', 1), { jobId: incidentEventJobId(event(id, 'incident.opened', 1)) });
      await until('level 2', () => receiver.hits.find((h) => h.path === '/app/b'), WAIT_MS, POLL_MS);
      await t.owner.query(`UPDATE incidents SET status = 'ACKNOWLEDGED', acknowledged_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      const ack = event(id, 'incident.acknowledged', 2);
      await sla.add(INCIDENT_EVENT_JOB, ack, { jobId: incidentEventJobId(ack) });
      await until('acknowledgements', () => receiver.hits.filter((h) => h.path.startsWith('/app/') && typeOf(h) === 'incident.acknowledged').length === 2 || undefined, WAIT_MS, POLL_MS);
      await new Promise((res) => setTimeout(res, 6500)); // past level 3's delay
      const paths = receiver.hits.filter((h) => h.path.startsWith('/app/'));
      expect(paths.map((h) => `${h.path} ${typeOf(h)}`).sort()).toEqual(['/app/a incident.acknowledged', '/app/a incident.triggered', '/app/b incident.acknowledged', '/app/b incident.escalated']);
      for (const h of paths) {
        const key = Buffer.from(secrets.get(h.path)!.slice(6), 'base64');
        const expected = crypto.createHmac('sha256', key).update(`${h.headers['webhook-id']}.${h.headers['webhook-timestamp']}.${h.body}`).digest('base64');
        expect(h.headers['webhook-signature']).toBe(`v1,${expected}`);
      }
    } finally {
      await app?.close();
      await sla.close();
    }
  }, 40_000);
});
