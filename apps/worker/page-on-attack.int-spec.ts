// The demo's path from an OT attack to the on-call sink: the detect pipeline opens a CRITICAL
// incident and emits `incident.opened`; the sla job starts its clock and pages level 1; the
// deliver job signs and posts it; the demo sink verifies it and prints one line.
import type { IncidentChange } from '@watchfloor/incidents';
import { createWebhookEndpoint, type DeliverJobData, generateWebhookSecret, upsertEscalationPolicy } from '@watchfloor/paging';
import { INCIDENT_EVENT_JOB, type IncidentEventJobData } from '@watchfloor/queue';
import { SecretBox } from '@watchfloor/secrets';
import { upsertSlaPolicy } from '@watchfloor/sla';
import { Scope } from '@watchfloor/tenancy';
import { attackRecords, insertZeekBatch, seedPlant } from '../../libs/detection/pipeline/__fixtures__/plant';
import { startWebhookSink, type WebhookSink } from '../../libs/demo/webhook-sink';
import { testDetector } from '../../test/detector';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { handleDeliverJob } from './deliver.processor';
import { handleSlaJob } from './sla.processor';

describe('attack → incident → SLA clock → verified page at the demo sink', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let sink: WebhookSink;
  const lines: string[] = [];
  const secret = generateWebhookSecret();
  const secretBox = new SecretBox('page-on-attack-test-secret-key-0123456789');

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    sink = await startWebhookSink({ port: 0, secret, log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await sink.close();
    await r.cleanup();
    await t.drop();
  });

  it('pages the on-call sink once for the CRITICAL incident, with its SLA due times stored', async () => {
    const changes: IncidentChange[] = [];
    const detector = await testDetector(t, r, { emit: async (_tenant, c) => void changes.push(...c) });
    const plant = await seedPlant(t.owner);
    const tenantId = plant.tenantId;
    await t.db.withScope(Scope.tenant(tenantId), async (tx) => {
      await upsertSlaPolicy(tx, { tenantId, severity: 'CRITICAL', acknowledgeMinutes: 15, resolveMinutes: 240 });
      const ep = await createWebhookEndpoint(tx, { tenantId, name: 'On-call (local sink)', kind: 'STANDARD', url: sink.url, secret }, { allowPrivate: true, secretBox });
      await upsertEscalationPolicy(tx, { tenantId, name: 'Default on-call', minSeverity: 'MEDIUM', levels: [{ delaySeconds: 0, webhookEndpointIds: [ep.endpoint.id] }] });
    });

    const { batchId } = await insertZeekBatch(t.db, plant, attackRecords(new Date(Date.now() - 10 * 60_000)));
    expect((await detector.detectBatch({ tenantId, batchId, now: new Date() })).status).toBe('done');
    expect(changes.map((c) => c.type)).toEqual(['incident.opened']);

    const deliverJobs: DeliverJobData[] = [];
    const queues = { sla: { add: async () => undefined }, deliver: { add: async (_n: string, data: DeliverJobData) => void deliverJobs.push(data) } };
    for (const c of changes) {
      const data: IncidentEventJobData = { tenantId, incidentId: c.incidentId, type: c.type, version: c.version, at: new Date().toISOString() };
      await handleSlaJob({ db: t.db, queues, now: () => new Date(), incidentLink: (id) => `http://localhost:3000/incidents/${id}` }, { name: INCIDENT_EVENT_JOB, data });
    }
    expect(deliverJobs).toHaveLength(1);
    const run = await handleDeliverJob({ db: t.db, queue: queues.deliver, options: { secretBox, allowPrivate: true, timeoutMs: 2000, maxAttempts: 3 } }, deliverJobs[0]);
    expect(run.result).toBe('delivered');

    expect(sink.received.map((x) => [x.type, x.verified])).toEqual([['incident.triggered', true]]);
    expect(lines).toEqual([expect.stringMatching(/^\[on-call sink\] incident\.triggered {2}CRITICAL {2}".*Pump PLC \(10\.30\.0\.11\).*" {2}\(Water utility\) {2}level 1$/)]);
    const [incident] = await t.owner.query(`SELECT created_at, acknowledge_due_at, resolve_due_at, sla_policy_version, sla_next_check_at FROM incidents WHERE tenant_id = $1`, [tenantId]);
    expect(incident.acknowledge_due_at.getTime() - incident.created_at.getTime()).toBe(15 * 60_000);
    expect(incident.resolve_due_at.getTime() - incident.created_at.getTime()).toBe(240 * 60_000);
    expect(incident.sla_next_check_at.getTime() - incident.created_at.getTime()).toBe(12 * 60_000); // the acknowledge warning
  });
});
