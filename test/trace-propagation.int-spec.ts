// One trace from the ingest request to the on-call page: POST /v1/events → detect job → alert and
// incident writes → incident event on the `sla` queue → deliver job → the webhook HTTP call. Each
// job span's parent is the span of the code that enqueued it (the context travels in job.data.trace).
// Tracing starts BEFORE the apps are loaded (instrumentation patches modules as they load), so the
// apps are required inside the test, not imported at the top.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { startTracing, stopTracing } from '@watchfloor/telemetry';
import { until } from './until';
import { parseApiKey } from '@watchfloor/sensors';

const exporter = new InMemorySpanExporter();
startTracing('test', { exporter, simple: true });
// Jest's module registry hands require-in-the-middle a stand-in of node's `module`, so the SDK's
// load-time hooks never see `http`/`https` here (under `node -r instrument.js` they do). Apply the
// same HTTP instrumentation to the real core modules by hand; it patches them in place.
const httpInstrumentation = new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? '') });
const httpModules = httpInstrumentation.getModuleDefinitions();
for (const definition of httpModules) definition.patch?.(require(definition.name), process.versions.node);

/* eslint-disable @typescript-eslint/no-require-imports */
const { createTestDatabase, createTestRedis } = require('./harness') as typeof import('./harness');
const { loadConfig, ingestSchema, workerSchema } = require('@watchfloor/config') as typeof import('@watchfloor/config');
const { demoAttack, postDemoBatch, seedDemo } = require('@watchfloor/demo') as typeof import('@watchfloor/demo');
const { secretBoxFromEnv } = require('@watchfloor/secrets') as typeof import('@watchfloor/secrets');

const WEBHOOK_SECRET = 'whsec_' + Buffer.alloc(32, 11).toString('base64');

interface Page {
  headers: http.IncomingHttpHeaders;
  body: string;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

describe('one trace from ingest to the page', () => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  let r: Awaited<ReturnType<typeof createTestRedis>>;
  const closers: (() => Promise<unknown>)[] = [];
  const pages: Page[] = [];

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    // The core modules are shared with the next test file this Jest worker runs: restore them.
    for (const definition of httpModules) definition.unpatch?.(require(definition.name), process.versions.node);
    await stopTracing();
    await r?.cleanup();
    await t?.drop();
  });

  it('links every hop to the ingest request and keeps secrets and payloads out of span attributes', async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        pages.push({ headers: req.headers, body });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => receiver.close(resolve)));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/oncall`;

    // Riverside Water: zones, assets, SLA policies and an escalation policy whose level 1 pages at once.
    const demo = await seedDemo(t.db, { secrets: secretBoxFromEnv(), webhookSinkUrl: receiverUrl, webhookSecret: WEBHOOK_SECRET });
    const tenantId = demo.tenants['riverside-water'];

    const env = { DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: r.queuePrefix, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '4' };
    const { bootstrapWorker } = require('../apps/worker/bootstrap') as typeof import('../apps/worker/bootstrap');
    const { bootstrapIngest, listeningPort } = require('../apps/ingest/bootstrap') as typeof import('../apps/ingest/bootstrap');
    const worker = await bootstrapWorker({ ...loadConfig(workerSchema, { ...env, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '5000' }), WORKER_PORT: 0 }, { shutdownHooks: false });
    closers.push(() => worker.close());
    const ingest = await bootstrapIngest({ ...loadConfig(ingestSchema, env), INGEST_PORT: 0 }, { shutdownHooks: false, host: '127.0.0.1' });
    closers.push(() => ingest.close());
    exporter.reset();

    // The Zeek batch of the demo attack: the scan and the Modbus write to the pump PLC.
    const batch = demoAttack(new Date()).find((b) => b.tenant === 'riverside-water' && b.sensor === 'zeek-control-span')!;
    const key = demo.sensorKeys.find((k) => k.tenant === batch.tenant && k.sensor === batch.sensor)!.key;
    const res = await postDemoBatch(`http://127.0.0.1:${listeningPort(ingest)}`, key, batch.records);
    expect(res.status).toBe(202);
    const batchId = (res.body as { batchId: string }).batchId;

    const page = await until('the page', () => pages[0]);
    const [incident] = await t.owner.query(`SELECT id, severity FROM incidents WHERE tenant_id = $1`, [tenantId]);
    expect(incident.severity).toBe('CRITICAL');
    // The deliver span ends after the attempt is recorded.
    const spans = await until('the deliver span', () => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === 'deliver webhook') ? all : undefined;
    });

    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['tenant.id'] === tenantId && s.attributes['batch.id'] === batchId);
    expect(server).toBeDefined();
    const traceId = server!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const one = (name: string, pred: (s: ReadableSpan) => boolean = () => true) => {
      const found = inTrace.filter((s) => s.name === name && pred(s));
      expect({ name, count: found.length }).toEqual({ name, count: 1 });
      return found[0];
    };

    // ingest request → detect job
    const detect = one('detect.batch');
    expect(parentOf(detect)).toBe(server!.spanContext().spanId);
    expect(detect.attributes).toMatchObject({ 'tenant.id': tenantId, 'batch.id': batchId });
    expect(detect.attributes['incident.ids']).toEqual([incident.id]);
    // alert and incident writes inside the detect job
    const alertWrite = one('detection.write_alerts');
    expect(parentOf(alertWrite)).toBe(detect.spanContext().spanId);
    const incidentWrite = one('incidents.write');
    expect(parentOf(incidentWrite)).toBe(detect.spanContext().spanId);
    expect(incidentWrite.attributes).toMatchObject({ 'tenant.id': tenantId, 'batch.id': batchId, 'incident.ids': [incident.id] });
    // detect → incident event on the sla queue
    const slaEvent = one('sla incident-event', (s) => s.attributes['incident.event'] === 'incident.opened');
    expect(parentOf(slaEvent)).toBe(detect.spanContext().spanId);
    expect(slaEvent.attributes).toMatchObject({ 'tenant.id': tenantId, 'incident.id': incident.id });
    // sla/escalation → deliver job
    const deliver = one('deliver webhook');
    expect(parentOf(deliver)).toBe(slaEvent.spanContext().spanId);
    expect(deliver.attributes).toMatchObject({ 'tenant.id': tenantId, 'delivery.result': 'delivered' });
    expect(slaEvent.attributes['delivery.ids']).toContain(deliver.attributes['delivery.id']);
    // deliver → the webhook HTTP call, and the receiver got the same trace in traceparent
    const call = one('POST', (s) => s.kind === SpanKind.CLIENT && parentOf(s) === deliver.spanContext().spanId);
    expect(call.attributes['http.status_code'] ?? call.attributes['http.response.status_code']).toBe(204);
    expect(String(page.headers.traceparent)).toContain(traceId);
    expect(JSON.parse(page.body).data.incident.id).toBe(incident.id);

    // Nothing of the trace is an orphan: every span's parent is a span of the same trace.
    const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
    for (const s of inTrace) if (s !== server) expect({ span: s.name, parentInTrace: ids.has(parentOf(s) ?? '') }).toEqual({ span: s.name, parentInTrace: true });

    // No span (of any trace) carries the API key, the webhook secret or raw event text.
    const secretPart = parseApiKey(key)!.secret;
    const forbidden = [key, secretPart, WEBHOOK_SECRET, WEBHOOK_SECRET.slice(6), 'CModbusAttack1', 'WRITE_MULTIPLE_REGISTERS', 'CScan11x502'];
    for (const s of spans) {
      const text = JSON.stringify(s.attributes) + JSON.stringify(s.events.map((e) => e.attributes ?? {}));
      for (const f of forbidden) expect({ span: s.name, leaks: text.includes(f) ? f : null }).toEqual({ span: s.name, leaks: null });
    }
  }, 90_000);
});
