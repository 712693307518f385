// Each app (built, run as production runs it) serves its own /metrics. After a small workload — the
// demo attack through ingest, detection, an incident and its page — the named series are there with
// values that agree with what the database says happened. The same run checks the log lines: the
// ingest request's log carries its request id, tenant and trace id, and the worker's log of that
// batch carries the same trace id (the context crossed the queue in a real process).
import { demoAttack, postDemoBatch, seedDemo } from '@watchfloor/demo';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from './harness';
import { scrape, series, startAppProcess, total, type AppProcess, type Sample } from './app-process';
import { startPageSink, type PageSink } from './page-sink';
import { until } from './until';
import { parseApiKey } from '@watchfloor/sensors';

const WEBHOOK_SECRET = 'whsec_' + Buffer.alloc(32, 5).toString('base64');

describe('metrics and logs of the running apps', () => {
  let t: TestDatabase;
  let r: TestRedis;
  const apps: AppProcess[] = [];
  let sink: PageSink;
  let api: AppProcess;
  let ingest: AppProcess;
  let worker: AppProcess;
  let tenants: Record<string, string>;
  const accepted: Record<string, number> = {};
  const batchIds: string[] = [];
  let riversideKey = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    sink = await startPageSink();
    const demo = await seedDemo(t.db, { secrets: secretBoxFromEnv(), webhookSinkUrl: sink.url, webhookSecret: WEBHOOK_SECRET });
    tenants = demo.tenants;
    const env = { DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: r.queuePrefix, DATABASE_POOL_SIZE: '4' };
    [api, ingest, worker] = await Promise.all([
      startAppProcess('api', env),
      startAppProcess('ingest', env),
      startAppProcess('worker', { ...env, WEBHOOK_ALLOW_PRIVATE: 'true' }, { readyPath: '/health/ready' }),
    ]);
    apps.push(api, ingest, worker);

    for (const batch of demoAttack(new Date())) {
      const key = demo.sensorKeys.find((k) => k.tenant === batch.tenant && k.sensor === batch.sensor)!.key;
      if (batch.tenant === 'riverside-water') riversideKey = key;
      const res = await postDemoBatch(ingest.base, key, batch.records);
      expect(res.status).toBe(202);
      const body = res.body as { batchId: string; accepted: number };
      batchIds.push(body.batchId);
      accepted[batch.tenant] = (accepted[batch.tenant] ?? 0) + body.accepted;
    }
    await until('every batch detected', async () => {
      const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM ingest_batches WHERE status = 'DONE'`);
      return n === batchIds.length ? true : undefined;
    });
    await until('the page', () => sink.pages[0]);
    await until('the delivery recorded', async () => {
      const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'DELIVERED'`);
      return n > 0 ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop().catch(() => undefined)));
    await sink?.close();
    await r?.cleanup();
    await t?.drop();
  }, 60_000);

  function histogramCount(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
    return total(samples, `${name}_count`, labels);
  }

  it('ingest: events by tenant, format and outcome; batch sizes; request latency; detect queue depth; db pool', async () => {
    const m = await scrape(ingest.base);
    const riverside = tenants['riverside-water'];
    expect(total(m, 'watchfloor_ingest_events_total', { tenant: riverside, outcome: 'accepted' })).toBe(accepted['riverside-water']);
    expect(total(m, 'watchfloor_ingest_events_total', { tenant: tenants['northgate-mfg'], format: 'auto:zeek', outcome: 'accepted' })).toBe(20);
    expect(series(m, 'watchfloor_ingest_events_total', { tenant: riverside, format: 'auto:suricata', outcome: 'accepted' })[0]?.value).toBeGreaterThan(0);
    expect(series(m, 'watchfloor_ingest_events_total', { tenant: riverside, format: 'auto:zeek', outcome: 'rejected' })[0]?.value).toBe(0);
    expect(histogramCount(m, 'watchfloor_ingest_batch_events')).toBe(3);
    expect(total(m, 'watchfloor_ingest_batch_events_sum')).toBe(Object.values(accepted).reduce((a, b) => a + b, 0));
    // 20 Northgate records fall in the le="50" bucket, the 45 Zeek records of Riverside too.
    expect(series(m, 'watchfloor_ingest_batch_events_bucket', { le: '50' })[0]?.value).toBe(3);
    expect(histogramCount(m, 'watchfloor_ingest_batch_seconds')).toBe(3);
    // The batch time split into parsing and the database transaction.
    expect(histogramCount(m, 'watchfloor_ingest_parse_seconds')).toBe(3);
    expect(histogramCount(m, 'watchfloor_ingest_write_seconds')).toBe(3);
    expect(total(m, 'watchfloor_ingest_write_seconds_sum')).toBeGreaterThan(0);
    expect(total(m, 'watchfloor_ingest_batch_seconds_sum')).toBeGreaterThan(0);
    expect(total(m, 'watchfloor_ingest_requests_total', { status: '202' })).toBe(3);
    expect(series(m, 'watchfloor_queue_jobs', { queue: 'detect', state: 'waiting' })).toHaveLength(1);
    expect(series(m, 'watchfloor_db_pool_connections', { app: 'watchfloor-ingest', state: 'total' })[0]?.value).toBeGreaterThan(0);
    expect(series(m, 'watchfloor_db_pool_connections', { app: 'watchfloor-ingest', state: 'waiting' })).toHaveLength(1);
  });

  it('worker: job durations and depth per queue, rules evaluated, alerts and incidents created, SLA counters, webhook deliveries and latency', async () => {
    const m = await scrape(worker.base);
    expect(histogramCount(m, 'watchfloor_job_duration_seconds', { queue: 'detect', outcome: 'completed' })).toBe(3);
    expect(histogramCount(m, 'watchfloor_job_duration_seconds', { queue: 'sla', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(histogramCount(m, 'watchfloor_job_duration_seconds', { queue: 'deliver', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    for (const queue of ['detect', 'sla', 'deliver']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect({ queue, state, n: series(m, 'watchfloor_queue_jobs', { queue, state }).length }).toEqual({ queue, state, n: 1 });
    }
    expect(series(m, 'watchfloor_detection_rules_evaluated_total', { kind: 'sigma' })[0]?.value).toBeGreaterThan(0);
    expect(series(m, 'watchfloor_detection_rules_evaluated_total', { kind: 'ot' })[0]?.value).toBeGreaterThan(0);
    // Counters agree with the rows.
    const [{ n: alerts }] = await t.owner.query(`SELECT count(*)::int AS n FROM alerts`);
    expect(alerts).toBeGreaterThan(0);
    expect(total(m, 'watchfloor_alerts_created_total')).toBe(alerts);
    const bySeverity = await t.owner.query(`SELECT tenant_id, severity, count(*)::int AS n FROM alerts GROUP BY 1, 2`);
    for (const row of bySeverity) expect(total(m, 'watchfloor_alerts_created_total', { tenant: row.tenant_id, severity: row.severity })).toBe(row.n);
    const incidents = await t.owner.query(`SELECT tenant_id, severity FROM incidents`);
    expect(incidents.length).toBeGreaterThan(0);
    expect(total(m, 'watchfloor_incidents_created_total')).toBe(incidents.length);
    expect(total(m, 'watchfloor_incidents_created_total', { tenant: tenants['riverside-water'], severity: 'CRITICAL' })).toBe(incidents.filter((i: { severity: string }) => i.severity === 'CRITICAL').length);
    for (const clock of ['acknowledge', 'resolve']) {
      expect(series(m, 'watchfloor_sla_warnings_total', { clock })).toHaveLength(1);
      expect(series(m, 'watchfloor_sla_breaches_total', { clock })[0]?.value).toBe(0);
    }
    const [{ n: delivered }] = await t.owner.query(`SELECT count(*)::int AS n FROM delivery_attempts WHERE status_code BETWEEN 200 AND 299`);
    expect(delivered).toBeGreaterThan(0);
    expect(total(m, 'watchfloor_webhook_delivery_results_total', { result: 'delivered' })).toBe(delivered);
    expect(histogramCount(m, 'watchfloor_webhook_request_seconds', { outcome: '2xx' })).toBe(delivered);
    expect(total(m, 'watchfloor_webhook_request_seconds_sum')).toBeGreaterThan(0);
    expect(series(m, 'watchfloor_db_pool_connections', { app: 'watchfloor-worker', state: 'total' })[0]?.value).toBeGreaterThan(0);
    // Detection caught up: nothing pending. Paging health agrees with the endpoints table.
    expect(series(m, 'watchfloor_ingest_batches_pending')[0]?.value).toBe(0);
    expect(series(m, 'watchfloor_ingest_oldest_pending_batch_seconds')[0]?.value).toBe(0);
    const [{ n: endpoints }] = await t.owner.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE enabled`);
    expect(endpoints).toBeGreaterThan(0);
    expect(series(m, 'watchfloor_webhook_endpoints', { state: 'ok' })[0]?.value).toBe(endpoints);
    expect(series(m, 'watchfloor_webhook_endpoints', { state: 'disabled' })[0]?.value).toBe(0);
    // Only the bounded tenant label, never an unbounded one (batch ids, incident ids) in a label.
    const ids = new Set([...batchIds, ...incidents.map((i: { id: string }) => i.id)]);
    expect(m.filter((s) => Object.values(s.labels).some((v) => ids.has(v)))).toEqual([]);
  });

  it('api: GraphQL latency by operation type and outcome, process metrics and its own database pool, labelled by service', async () => {
    const post = (query: string) => fetch(`${api.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    await post('{ __typename }');
    await post('mutation { login(email: "nobody@example.com", password: "wrong-password") { accessToken } }');
    await post('{ notAField }');
    const m = await scrape(api.base);
    expect(histogramCount(m, 'watchfloor_graphql_request_seconds', { operation: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(histogramCount(m, 'watchfloor_graphql_request_seconds', { operation: 'mutation', outcome: 'error' })).toBeGreaterThanOrEqual(1);
    expect(histogramCount(m, 'watchfloor_graphql_request_seconds', { operation: 'invalid', outcome: 'error' })).toBeGreaterThanOrEqual(1);
    expect(series(m, 'watchfloor_db_pool_connections', { app: 'watchfloor-api', state: 'total' })[0]?.value).toBeGreaterThan(0);
    expect(series(m, 'watchfloor_db_pool_connections', { app: 'watchfloor-api', state: 'waiting' })[0]?.value).toBe(0);
    expect(series(m, 'process_resident_memory_bytes', { service: 'watchfloor-api' })[0]?.value).toBeGreaterThan(0);
    // The api does not run ingest or detection.
    expect(series(m, 'watchfloor_ingest_events_total')).toEqual([]);
    expect(series(m, 'watchfloor_ingest_batches_pending')).toEqual([]);
  });

  it('logs: the ingest request line carries request id, tenant and trace id; the worker logs the same trace for that batch; no key in any line', async () => {
    const accepted = ingest.logs.filter((l) => l.msg === 'batch accepted');
    expect(accepted).toHaveLength(3);
    for (const line of accepted) {
      expect(line).toMatchObject({ service: 'watchfloor-ingest', reqId: expect.any(String), tenantId: expect.any(String), batchId: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
      const detected = await until('the worker log of the batch', () => worker.logs.find((l) => l.msg === 'batch detected' && l.batchId === line.batchId), 10_000);
      expect(detected).toMatchObject({ tenantId: line.tenantId, traceId: line.traceId });
    }
    const delivery = worker.logs.find((l) => l.msg === 'webhook delivery' && l.result === 'delivered');
    expect(delivery).toMatchObject({ tenantId: tenants['riverside-water'], traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const everything = JSON.stringify([...ingest.logs, ...worker.logs, ...api.logs]);
    expect(everything).not.toContain(parseApiKey(riversideKey)!.secret);
    expect(everything).not.toContain(WEBHOOK_SECRET.slice(6));
    expect(everything).not.toContain(t.url);
  });
});
