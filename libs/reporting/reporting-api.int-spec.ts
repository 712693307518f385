import crypto from 'node:crypto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { Queue, Worker } from 'bullmq';
import { Role } from '@watchfloor/auth';
import type { DeliverJobData } from '@watchfloor/paging';
import { queueConnection, type ReportJobData } from '@watchfloor/queue';
import { Scope } from '@watchfloor/tenancy';
import { startTracing, stopTracing } from '@watchfloor/telemetry';
import { seedIncident } from '../../apps/api/testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from '../../apps/api/testing/api-test-app';
import { runReportJob } from './report-jobs';
import { reconcileMonthlySchedulers, type ReportsQueue } from './report-schedule';
import { SEVERITIES, type TenantSummary } from './summary.types';
import { tenantSummary } from './tenant-summary';

// November 2026 in Berlin (CET): local midnight to local midnight.
const FROM = '2026-10-31T23:00:00.000Z';
const TO = '2026-11-30T23:00:00.000Z';
const TZ = 'Europe/Berlin';
const at = (iso: string, plusSeconds = 0) => new Date(new Date(iso).getTime() + plusSeconds * 1000);

const SUMMARY_QUERY = `query($t: ID!, $f: DateTime!, $to: DateTime!) { tenantSummary(tenantId: $t, from: $f, to: $to) {
  tenantId from to timezone
  incidents { total bySeverity { severity count } byStatus { status count } }
  days { day opened openedBySeverity { severity count } resolved meanTimeToAcknowledgeSeconds meanTimeToResolveSeconds timeToAcknowledgeCount timeToResolveCount }
  timeToAcknowledge { count meanSeconds medianSeconds bySeverity { severity count meanSeconds medianSeconds } }
  timeToResolve { count meanSeconds medianSeconds bySeverity { severity count meanSeconds medianSeconds } }
  sla { withDueTime compliant compliancePercent acknowledgeBreaches resolveBreaches bySeverity { severity withDueTime compliant compliancePercent acknowledgeBreaches resolveBreaches } }
  falsePositives { falsePositive concluded ratePercent }
  topRules { ruleRef title author alerts }
  techniques { id name incidents }
  topAssets { id name criticality zone incidents }
  zones { id name purdueLevel assets incidents segmentationViolations }
  ot { segmentationViolations recentSegmentationViolations { alertId createdAt severity srcIp dstIp title } criticalAssetsTouched { id name criticality zone incidents } }
  sensors { id name kind events lastEventAt expectedIntervalSeconds silentAtPeriodEnd }
  eventsPerSensorDay { sensorId day events }
  openVulnerabilities { criticality unpatched mitigated }
} }`;

type Row = Record<string, any>;
const bySev = (list: Row[], pick: (r: Row) => unknown) => Object.fromEntries(list.map((r) => [r.severity, pick(r)]));
const withoutSeverity = ({ severity: _s, ...rest }: Row) => rest;

/** The test's own reading of the GraphQL answer back into the library's shape (records by severity, ISO strings). */
function asLibraryShape(g: Row): TenantSummary {
  const times = (x: Row) => ({ count: x.count, meanSeconds: x.meanSeconds, medianSeconds: x.medianSeconds, bySeverity: bySev(x.bySeverity, withoutSeverity) });
  const iso = (s: string | null) => (s === null ? null : new Date(s).toISOString());
  return {
    tenantId: g.tenantId, from: iso(g.from)!, to: iso(g.to)!, timezone: g.timezone,
    incidents: { total: g.incidents.total, bySeverity: bySev(g.incidents.bySeverity, (r) => r.count), byStatus: Object.fromEntries(g.incidents.byStatus.map((r: Row) => [r.status, r.count])) },
    days: g.days.map((d: Row) => ({ ...d, openedBySeverity: bySev(d.openedBySeverity, (r) => r.count) })),
    timeToAcknowledge: times(g.timeToAcknowledge),
    timeToResolve: times(g.timeToResolve),
    sla: { ...g.sla, bySeverity: bySev(g.sla.bySeverity, withoutSeverity) },
    falsePositives: g.falsePositives,
    topRules: g.topRules, techniques: g.techniques, topAssets: g.topAssets, zones: g.zones,
    ot: { ...g.ot, recentSegmentationViolations: g.ot.recentSegmentationViolations.map((v: Row) => ({ ...v, createdAt: iso(v.createdAt) })) },
    sensors: g.sensors.map((s: Row) => ({ ...s, lastEventAt: iso(s.lastEventAt) })),
    eventsPerSensorDay: g.eventsPerSensorDay,
    openVulnerabilities: g.openVulnerabilities,
  } as TenantSummary;
}

describe('reports through the API and the worker', () => {
  let api: ApiTestApp;
  let reportsQueue: ReportsQueue;
  let deliverQueue: Queue<DeliverJobData>;
  let worker: Worker;
  let tenantA: string;
  let tenantB: string;
  let endpointId: string;
  const tokens: Record<string, string> = {};
  // Tracing on, so generateReport has a request span whose context it can put into the job. As in
  // test/trace-propagation.int-spec.ts, the HTTP server instrumentation is applied to node's core
  // modules by hand (Jest's module registry hides them from the SDK's load hooks), and undone after.
  const httpModules = new HttpInstrumentation().getModuleDefinitions();

  beforeAll(async () => {
    startTracing('reporting-api-test', { exporter: new InMemorySpanExporter(), simple: true });
    for (const definition of httpModules) definition.patch?.(require(definition.name), process.versions.node);
    api = await startApiTestApp();
    const prefix = api.queuePrefix;
    const connection = queueConnection(api.redis.url);
    reportsQueue = new Queue('reports', { connection, prefix }) as ReportsQueue;
    deliverQueue = new Queue<DeliverJobData>('deliver', { connection, prefix });
    tenantA = await api.createTenant('Alpha Water');
    tenantB = await api.createTenant('Beta Power');
    await api.t.owner.query(`UPDATE tenants SET timezone = $2 WHERE id = $1`, [tenantA, TZ]);

    // Four incidents of tenant A in November, one in December (outside the period), one of tenant B.
    const seeds = [
      { severity: 'HIGH', status: 'RESOLVED', created: '2026-11-03T10:00:00Z', ack: 600, resolve: 7200, due: true },
      { severity: 'HIGH', status: 'ACKNOWLEDGED', created: '2026-11-05T10:00:00Z', ack: 1200, due: true, ackBreached: true },
      { severity: 'CRITICAL', status: 'FALSE_POSITIVE', created: '2026-11-10T10:00:00Z', ack: 300, resolve: 900 },
      { severity: 'LOW', status: 'NEW', created: '2026-11-20T10:00:00Z' },
      { severity: 'CRITICAL', status: 'NEW', created: '2026-12-02T10:00:00Z' },
    ];
    for (const s of seeds) {
      const created = new Date(s.created);
      const { incidentId } = await seedIncident(api.t.owner, tenantA, { severity: s.severity, status: s.status, createdAt: created });
      await api.t.owner.query(
        `UPDATE incidents SET acknowledged_at = $3, resolved_at = $4, acknowledge_due_at = $5, resolve_due_at = $6, acknowledge_breached_at = $7 WHERE tenant_id = $1 AND id = $2`,
        [tenantA, incidentId, s.ack ? at(s.created, s.ack) : null, s.resolve ? at(s.created, s.resolve) : null,
         s.due ? at(s.created, 900) : null, s.due ? at(s.created, 86_400) : null, s.ackBreached ? at(s.created, 900) : null],
      );
      void created;
    }
    await seedIncident(api.t.owner, tenantB, { createdAt: new Date('2026-11-04T10:00:00Z') });
    const [ep] = await api.t.owner.query(
      `INSERT INTO webhook_endpoints (tenant_id, name, kind, url, secret_ciphertext) VALUES ($1, 'customer SIEM', 'STANDARD', 'https://siem.example.test/hook', 'x') RETURNING id`,
      [tenantA],
    );
    endpointId = ep.id;
    // No report.ready for: a PagerDuty endpoint, a STANDARD one that takes only other events, a disabled one.
    await api.t.owner.query(
      `INSERT INTO webhook_endpoints (tenant_id, name, kind, url, secret_ciphertext, event_types, enabled) VALUES
       ($1, 'only resolved', 'STANDARD', 'https://a.example.test/hook', 'x', '{incident.resolved}', true),
       ($1, 'switched off', 'STANDARD', 'https://b.example.test/hook', 'x', '{}', false)`,
      [tenantA],
    );
    await api.t.owner.query(`INSERT INTO webhook_endpoints (tenant_id, name, kind, url, routing_key_ciphertext) VALUES ($1, 'pd', 'PAGERDUTY', 'https://events.pagerduty.com/v2/enqueue', 'x')`, [tenantA]);

    for (const role of [Role.CUSTOMER_VIEWER, Role.CUSTOMER_ADMIN, Role.SOC_ANALYST]) tokens[role] = (await api.userWithToken(role, [tenantA])).token;
    tokens.B_ADMIN = (await api.userWithToken(Role.CUSTOMER_ADMIN, [tenantB])).token;

    worker = new Worker(
      'reports',
      (job) => runReportJob(
        { db: api.t.db, reports: reportsQueue as Queue<ReportJobData>, deliver: deliverQueue, reconcile: () => reconcileMonthlySchedulers(api.t.db, reportsQueue) },
        { name: job.name, data: job.data, scheduledAt: new Date(job.timestamp + (job.delay ?? 0)) },
      ),
      { connection, prefix, autorun: false },
    );
  });
  afterAll(async () => {
    await worker.close();
    await reportsQueue.close();
    await deliverQueue.close();
    await api.close();
    for (const definition of httpModules) definition.unpatch?.(require(definition.name), process.versions.node);
    await stopTracing();
  });

  async function untilStatus(token: string, id: string, wanted: string[], ms = 60_000): Promise<Row> {
    const end = Date.now() + ms;
    for (;;) {
      const res = await api.gql(token, `query($id: ID!) { report(id: $id) { id tenantId status kind from to createdAt error formats { format sizeBytes sha256 downloadPath } } }`, { id });
      const report = res.data?.report;
      if (report && wanted.includes(report.status)) return report;
      if (Date.now() > end) throw new Error(`report ${id} still ${JSON.stringify(report ?? res.errors)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;
  const download = (token: string | null, id: string, format?: string) =>
    fetch(`${api.url}/reports/${id}/download${format ? `?format=${format}` : ''}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('gives a customer viewer the same figures through GraphQL as the library computes', async () => {
    const res = await api.gql(tokens[Role.CUSTOMER_VIEWER], SUMMARY_QUERY, { t: tenantA, f: FROM, to: TO });
    expect(res.errors).toBeUndefined();
    const g = res.data!.tenantSummary;
    const lib = await api.t.db.withScope(Scope.tenant(tenantA), (tx) => tenantSummary(tx, { tenantId: tenantA, from: new Date(FROM), to: new Date(TO), timezone: TZ }));
    expect(asLibraryShape(g)).toEqual(lib);
    // And the figures are the seeded ones, not two matching empties.
    expect(g.incidents.total).toBe(4);
    expect(g.incidents.bySeverity.map((r: Row) => r.severity)).toEqual([...SEVERITIES]);
    expect(bySev(g.incidents.bySeverity, (r) => r.count)).toEqual({ CRITICAL: 1, HIGH: 2, MEDIUM: 0, LOW: 1, INFO: 0 });
    expect(g.timeToAcknowledge).toMatchObject({ count: 3, meanSeconds: 700, medianSeconds: 600 });
    expect(g.timeToResolve).toMatchObject({ count: 2, meanSeconds: 4050, medianSeconds: 4050 });
    expect(bySev(g.timeToAcknowledge.bySeverity, (r) => r.meanSeconds)).toMatchObject({ HIGH: 900, CRITICAL: 300, LOW: null });
    expect(g.sla).toMatchObject({ withDueTime: 2, compliant: 1, compliancePercent: 50, acknowledgeBreaches: 1, resolveBreaches: 0 });
    expect(g.falsePositives).toEqual({ falsePositive: 1, concluded: 2, ratePercent: 50 });
    expect(g.days).toHaveLength(30);
    expect(g.days[0].day).toBe('2026-11-01');
    expect(g.topRules[0]).toMatchObject({ ruleRef: 'ot.unexpected_write', author: 'Watchfloor' });
    expect(g.techniques[0]).toMatchObject({ id: 'T0855', name: 'Unauthorized Command Message', incidents: 4 });
  });

  it('refuses a bad period with BAD_USER_INPUT', async () => {
    const res = await api.gql(tokens[Role.CUSTOMER_VIEWER], SUMMARY_QUERY, { t: tenantA, f: TO, to: FROM });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_PERIOD' });
  });

  it('generateReport → reports job → READY; pdf, csv and json downloads are the stored artefacts; report.ready delivery recorded once', async () => {
    // The caller's W3C trace context: the job must carry the same trace onward.
    const traceId = crypto.randomBytes(16).toString('hex');
    const callerSpanId = crypto.randomBytes(8).toString('hex');
    const res = (await (
      await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[Role.CUSTOMER_ADMIN]}`, traceparent: `00-${traceId}-${callerSpanId}-01` },
        body: JSON.stringify({
          query: `mutation($t: ID!, $f: DateTime!, $to: DateTime!) { generateReport(tenantId: $t, from: $f, to: $to) { id tenantId status kind from to formats { format } } }`,
          variables: { t: tenantA, f: FROM, to: TO },
        }),
      })
    ).json()) as { data?: Row; errors?: unknown[] };
    expect(res.errors).toBeUndefined();
    const queued = res.data!.generateReport;
    expect(queued).toMatchObject({ tenantId: tenantA, status: 'QUEUED', kind: 'ON_DEMAND', from: FROM, to: TO, formats: [] });
    const job = await reportsQueue.getJob(queued.id);
    expect(job?.name).toBe('generate');
    expect(job?.data).toMatchObject({ tenantId: tenantA, reportId: queued.id });
    const traceparent = job?.data.trace?.traceparent;
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    // same trace as the request, parented by the API's own span (not the caller's), sampled
    expect(traceparent!.split('-')).toEqual(['00', traceId, expect.not.stringMatching(callerSpanId), '01']);

    expect((await download(tokens[Role.CUSTOMER_VIEWER], queued.id, 'pdf')).status).toBe(409);
    const listed = await api.gql(tokens[Role.CUSTOMER_VIEWER], `query($t: ID!) { reports(tenantId: $t) { id status } }`, { t: tenantA });
    expect(listed.data!.reports).toEqual([{ id: queued.id, status: 'QUEUED' }]);

    void worker.run();
    const ready = await untilStatus(tokens[Role.CUSTOMER_VIEWER], queued.id, ['READY', 'FAILED']);
    expect(ready.status).toBe('READY');
    const stored: { format: string; content: Buffer; size_bytes: number; sha256: string }[] = await api.t.owner.query(
      `SELECT format, content, size_bytes, sha256 FROM report_artifacts WHERE tenant_id = $1 AND report_id = $2 ORDER BY format`, [tenantA, queued.id],
    );
    expect(stored.map((s) => s.format)).toEqual(['CSV', 'JSON', 'PDF']);
    expect([...ready.formats].sort((a: Row, b: Row) => a.format.localeCompare(b.format))).toEqual(
      stored.map((s) => ({ format: s.format, sizeBytes: s.size_bytes, sha256: s.sha256, downloadPath: `/reports/${queued.id}/download?format=${s.format.toLowerCase()}` })),
    );

    const types: Record<string, string> = { PDF: 'application/pdf', CSV: 'text/csv; charset=utf-8', JSON: 'application/json; charset=utf-8' };
    for (const s of stored) {
      const r = await download(tokens[Role.CUSTOMER_VIEWER], queued.id, s.format.toLowerCase());
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(types[s.format]);
      expect(r.headers.get('content-disposition')).toBe(`attachment; filename="watchfloor-report-t-${tenantA.slice(0, 8)}-2026-10-31-2026-11-30.${s.format.toLowerCase()}"`);
      const bytes = Buffer.from(await r.arrayBuffer());
      expect(bytes.equals(s.content)).toBe(true);
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(s.sha256);
    }
    const pdf = Buffer.from(await (await download(tokens[Role.SOC_ANALYST], queued.id)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The JSON artefact carries the same figures as tenantSummary.
    const json = JSON.parse(stored.find((s) => s.format === 'JSON')!.content.toString('utf8'));
    expect(json.incidents.total).toBe(4);

    const deliveries = await api.t.owner.query(`SELECT id, endpoint_id, event_type, idempotency_key, payload FROM deliveries WHERE tenant_id = $1`, [tenantA]);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ endpoint_id: endpointId, event_type: 'report.ready', idempotency_key: `report:${queued.id}:${endpointId}` });
    expect(deliveries[0].payload.report).toMatchObject({ reportId: queued.id, tenantId: tenantA, from: FROM, to: TO, kind: 'ON_DEMAND' });
    expect(deliveries[0].payload.report.formats).toHaveLength(3);
    const deliverJob = await deliverQueue.getJob(deliveries[0].id);
    expect(deliverJob?.data).toMatchObject({ tenantId: tenantA, deliveryId: deliveries[0].id });

    // A replay of the job changes nothing and notifies nobody again.
    const replay = await runReportJob(
      { db: api.t.db, reports: reportsQueue as Queue<ReportJobData>, deliver: deliverQueue, reconcile: async () => ({ upsert: [], remove: [], invalid: [] }) },
      { name: 'generate', data: { tenantId: tenantA, reportId: queued.id }, scheduledAt: new Date() },
    );
    expect(replay).toMatchObject({ job: 'generate', result: { status: 'READY', alreadyReady: true }, deliveryIds: [] });
    const [{ n }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1`, [tenantA]);
    expect(n).toBe(1);
  });

  it("hides another tenant's report: 404 on download, NOT_FOUND in GraphQL, absent from lists", async () => {
    const res = await api.gql(tokens.B_ADMIN, `mutation($t: ID!, $f: DateTime!, $to: DateTime!) { generateReport(tenantId: $t, from: $f, to: $to) { id } }`, { t: tenantB, f: FROM, to: TO });
    const bReport = res.data!.generateReport.id;
    await untilStatus(tokens.B_ADMIN, bReport, ['READY']);
    expect((await download(tokens.B_ADMIN, bReport, 'csv')).status).toBe(200);

    for (const token of [tokens[Role.CUSTOMER_VIEWER], tokens[Role.CUSTOMER_ADMIN], tokens[Role.SOC_ANALYST]]) {
      for (const format of ['pdf', 'csv', 'json']) {
        const r = await download(token, bReport, format);
        expect(r.status).toBe(404);
        expect(await r.json()).toEqual({ error: { code: 'NOT_FOUND', message: `report ${bReport} not found` } });
      }
      const one = await api.gql(token, `query($id: ID!) { report(id: $id) { id } }`, { id: bReport });
      expect(one.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      for (const q of [`query($t: ID!) { reports(tenantId: $t) { id } }`, `query($t: ID!) { tenantSummary(tenantId: $t, from: "${FROM}", to: "${TO}") { tenantId } }`]) {
        const r = await api.gql(token, q, { t: tenantB });
        expect(r.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
      const own = await api.gql(token, `query($t: ID!) { reports(tenantId: $t) { id tenantId } }`, { t: tenantA });
      expect(own.data!.reports.every((r: Row) => r.tenantId === tenantA)).toBe(true);
    }
  });

  it('answers 401 without or with a bad token, 400 for an unknown format, 404 for a malformed id', async () => {
    const [any] = await api.t.owner.query(`SELECT id FROM reports WHERE tenant_id = $1 AND status = 'READY' LIMIT 1`, [tenantA]);
    expect((await download(null, any.id, 'pdf')).status).toBe(401);
    const bad = await download('not-a-token', any.id, 'pdf');
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).code).toBe('UNAUTHENTICATED');
    const xlsx = await download(tokens[Role.CUSTOMER_VIEWER], any.id, 'xlsx');
    expect(xlsx.status).toBe(400);
    expect((await errorOf(xlsx)).message).toMatch(/format must be one of pdf, csv, json/);
    expect((await download(tokens[Role.CUSTOMER_VIEWER], 'nope', 'pdf')).status).toBe(404);
  });

  it('lets a customer viewer read but not generate; a FAILED report shows its error to SOC staff only', async () => {
    const res = await api.gql(tokens[Role.CUSTOMER_VIEWER], `mutation($t: ID!) { generateReport(tenantId: $t, from: "${FROM}", to: "${TO}") { id } }`, { t: tenantA });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const failedId = crypto.randomUUID();
    await api.t.owner.query(`INSERT INTO reports (tenant_id, id, period_from, period_to, status, error) VALUES ($1, $2, $3, $4, 'FAILED', 'ReportingError: boom')`, [tenantA, failedId, FROM, TO]);
    const q = `query($id: ID!) { report(id: $id) { status error } }`;
    expect((await api.gql(tokens[Role.CUSTOMER_VIEWER], q, { id: failedId })).data!.report).toEqual({ status: 'FAILED', error: null });
    expect((await api.gql(tokens[Role.SOC_ANALYST], q, { id: failedId })).data!.report).toEqual({ status: 'FAILED', error: 'ReportingError: boom' });
    const r = await download(tokens[Role.CUSTOMER_VIEWER], failedId, 'pdf');
    expect(r.status).toBe(409);
    expect((await errorOf(r)).message).toMatch(/FAILED/);
  });

  it('rate-limits a customer tenant to 5 on-demand reports an hour (BAD_USER_INPUT with retry time); SOC staff are not limited', async () => {
    const tenantC = await api.createTenant('Gamma Gas');
    const admin = await api.userWithToken(Role.CUSTOMER_ADMIN, [tenantC]);
    const admin2 = await api.userWithToken(Role.CUSTOMER_ADMIN, [tenantC]);
    const soc = await api.userWithToken(Role.SOC_LEAD, [tenantC]);
    const m = `mutation($t: ID!) { generateReport(tenantId: $t, from: "${FROM}", to: "${TO}") { id } }`;
    for (let i = 0; i < 5; i++) expect((await api.gql(i % 2 ? admin2.token : admin.token, m, { t: tenantC })).errors).toBeUndefined();
    const refused = await api.gql(admin2.token, m, { t: tenantC });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RATE_LIMITED' });
    const retry = refused.errors?.[0].extensions?.retryAfterSeconds as number;
    expect(retry).toBeGreaterThan(3500);
    expect(retry).toBeLessThanOrEqual(3600);
    expect(refused.errors?.[0].message).toMatch(/try again in \d+ s/);
    expect((await api.gql(soc.token, m, { t: tenantC })).errors).toBeUndefined();
    const [{ n }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM reports WHERE tenant_id = $1`, [tenantC]);
    expect(n).toBe(6);
    // Another tenant's customers have their own allowance.
    expect((await api.gql(tokens.B_ADMIN, m, { t: tenantB })).errors).toBeUndefined();
  });
});
