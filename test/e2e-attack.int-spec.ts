// End to end through the detect job: a plant with Purdue zones, a scan of the control network from
// a corporate host and a Modbus write to the pump PLC → the expected alerts and ONE critical
// incident; allowed engineering traffic through the conduit raises nothing.
import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { loadConfig, workerSchema } from '@watchfloor/config';
import type { IncidentChange } from '@watchfloor/incidents';
import { incidentChangesChannel, isIncidentChangeMessage, queueConnection } from '@watchfloor/queue';
import { startTestIngest, type TestIngest } from '../apps/ingest/ingest-test-app';
import { bootstrapWorker } from '../apps/worker/bootstrap';
import { allowedRecords, attackRecords, insertZeekBatch, seedPlant } from '../libs/detection/pipeline/__fixtures__/plant';
import { testDetector } from './detector';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from './harness';

const REGISTER_WRITE_RULE = 'cf24f6e0-ad53-4bad-a748-524caa32b8e3';
const SCAN_CORRELATION = '3902e141-e38f-4687-8694-dd782f006f09';

describe('end to end: OT attack → alerts → one incident', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let sub: ReturnType<TestRedis['redis']['duplicate']> | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
  });
  afterAll(async () => {
    sub?.disconnect();
    await r.cleanup();
    await t.drop();
  });

  it('raises segmentation, control write, the OT Sigma write rule and the scan correlation, grouped into one CRITICAL incident', async () => {
    const emitted: IncidentChange[] = [];
    const detector = await testDetector(t, r, { emit: async (_tenant, changes) => void emitted.push(...changes) });
    const plant = await seedPlant(t.owner);
    const published: string[] = [];
    sub = r.redis.duplicate();
    await sub.subscribe(incidentChangesChannel(`${r.prefix}:`));
    sub.on('message', (_c, m) => published.push(m));
    const start = new Date(Date.now() - 10 * 60_000);
    const { batchId } = await insertZeekBatch(t.db, plant, [...attackRecords(start), ...allowedRecords(start)]);

    const result = await detector.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    expect(result.status).toBe('done');
    expect(result.events).toBe(33);
    expect(result.correlationAlerts).toBe(1);

    const alerts = await t.owner.query(`SELECT rule_ref, rule_kind, rule_author, severity, disposition, host(src_ip) AS src, host(dst_ip) AS dst, techniques, incident_id FROM alerts WHERE tenant_id = $1`, [plant.tenantId]);
    const refs = new Set(alerts.map((a: { rule_ref: string }) => a.rule_ref));
    // remote_access: the scan's probes of tcp/22 and tcp/23 on control-level hosts
    expect(refs).toEqual(new Set(['watchfloor.ot.segmentation_violation', 'watchfloor.ot.control_write', 'watchfloor.ot.remote_access', REGISTER_WRITE_RULE, SCAN_CORRELATION]));
    expect(alerts.every((a: { rule_author: string | null }) => !!a.rule_author)).toBe(true);
    expect(alerts.some((a: { src: string }) => a.src === '10.20.1.5')).toBe(false); // the allowed conduit flow
    const scan = alerts.find((a: { rule_ref: string }) => a.rule_ref === SCAN_CORRELATION);
    expect(scan).toMatchObject({ rule_kind: 'CORRELATION', severity: 'HIGH', src: '10.10.7.23', dst: null });
    expect(scan.techniques).toContain('T0846');
    const write = alerts.find((a: { rule_ref: string }) => a.rule_ref === REGISTER_WRITE_RULE);
    expect(write).toMatchObject({ rule_kind: 'SIGMA', rule_author: 'Watchfloor', severity: 'MEDIUM', dst: '10.30.0.11' });
    // one segmentation violation per scan probe plus the write: 30 + 1
    expect(alerts.filter((a: { rule_ref: string }) => a.rule_ref === 'watchfloor.ot.segmentation_violation')).toHaveLength(31);

    const incidents = await t.owner.query(`SELECT id, title, summary, severity, status, techniques, alert_count, asset_ids::text[] AS asset_ids, src_ips::text[] AS src_ips FROM incidents WHERE tenant_id = $1`, [plant.tenantId]);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    if (process.env.WF_PRINT_INCIDENT) process.stderr.write(`${incident.title}\n${incident.summary}\n`);
    expect(incident.severity).toBe('CRITICAL');
    expect(incident.status).toBe('NEW');
    expect(incident.techniques).toEqual(expect.arrayContaining(['T0855', 'T0836', 'T0846']));
    expect(incident.alert_count).toBe(alerts.length);
    expect(incident.asset_ids).toContain(plant.plcId);
    expect(incident.src_ips).toEqual(['10.10.7.23/32']);
    expect(incident.title).toBe('Unauthorised Modbus write to Pump PLC (10.30.0.11) from Corporate IT host 10.10.7.23 (and 2 other targets)');
    expect(incident.summary).toMatch(/raised to CRITICAL because Pump PLC/);
    expect(alerts.every((a: { incident_id: string }) => a.incident_id === incident.id)).toBe(true);
    const [{ n: links }] = await t.owner.query(`SELECT count(*)::int AS n FROM incident_alerts WHERE incident_id = $1`, [incident.id]);
    expect(links).toBe(alerts.length);
    const activity = await t.owner.query(`SELECT kind FROM incident_activity WHERE incident_id = $1 ORDER BY kind`, [incident.id]);
    expect(activity.map((a: { kind: string }) => a.kind)).toEqual(['alert_attached', 'opened']);
    expect(emitted).toEqual([{ incidentId: incident.id, kind: 'opened', type: 'incident.opened', version: 1 }]);
    const [batch] = await t.owner.query(`SELECT status, detected_at FROM ingest_batches WHERE id = $1`, [batchId]);
    expect(batch.status).toBe('DONE');
    expect(batch.detected_at).not.toBeNull();
    await new Promise((res) => setTimeout(res, 50));
    // In the format the api's subscription hub accepts (it drops anything else).
    const messages = published.map((p) => JSON.parse(p));
    expect(messages).toContainEqual({ kind: 'CREATED', tenantId: plant.tenantId, incidentId: incident.id, version: 1, at: expect.any(String), activity: null });
    expect(messages.every(isIncidentChangeMessage)).toBe(true);
  });
});

describe('end to end through the apps: POST /v1/events → detect worker → incident → sla event', () => {
  let ingest: TestIngest;
  let worker: Awaited<ReturnType<typeof bootstrapWorker>> | undefined;
  let sla: Queue | undefined;
  afterAll(async () => {
    await worker?.close();
    await sla?.close();
    await ingest?.close();
  });

  it('detects the attack sent by a Zeek sensor over HTTP and queues the incident for the SLA clock', async () => {
    ingest = await startTestIngest();
    const { t, r, tenantId } = ingest;
    const zones = { it: crypto.randomUUID(), eng: crypto.randomUUID(), control: crypto.randomUUID() };
    await t.owner.query(
      `INSERT INTO zones (tenant_id, id, name, purdue_level, cidrs) VALUES
         ($1, $2, 'Corporate IT', 4, '{10.10.0.0/16}'), ($1, $3, 'Engineering', 3, '{10.20.0.0/16}'), ($1, $4, 'Control', 1, '{10.30.0.0/16}')`,
      [tenantId, zones.it, zones.eng, zones.control],
    );
    await t.owner.query(`INSERT INTO conduits (tenant_id, from_zone_id, to_zone_id, protocol, ports) VALUES ($1, $2, $3, 'tcp', '{502}')`, [tenantId, zones.eng, zones.control]);
    await t.owner.query(`INSERT INTO assets (tenant_id, name, ip, purdue_level, criticality, zone_id) VALUES ($1, 'Pump PLC', '10.30.0.11', 1, 'CRITICAL', $2)`, [tenantId, zones.control]);
    const zeek = await ingest.addSensor('ZEEK');

    const prefix = r.queuePrefix;
    const config = { ...loadConfig(workerSchema, { DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: prefix, WORKER_QUEUES: 'detect', LOG_LEVEL: 'silent' }), WORKER_PORT: 0 };
    worker = await bootstrapWorker(config, { shutdownHooks: false }); // imports the shipped rules at boot

    const start = new Date(Date.now() - 5 * 60_000);
    const body = [...attackRecords(start), ...allowedRecords(start)].map((x) => JSON.stringify(x)).join('\n');
    const res = await ingest.post(body, { key: zeek.key });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(33);

    let incidents: { id: string; severity: string; techniques: string[] }[] = [];
    for (let i = 0; i < 100 && incidents.length === 0; i++) {
      await new Promise((done) => setTimeout(done, 200));
      const [batch] = await t.owner.query(`SELECT status FROM ingest_batches WHERE id = $1`, [res.body.batchId]);
      if (batch?.status === 'DONE') incidents = await t.owner.query(`SELECT id, severity, techniques FROM incidents WHERE tenant_id = $1`, [tenantId]);
    }
    expect(incidents).toHaveLength(1);
    expect(incidents[0].severity).toBe('CRITICAL');
    expect(incidents[0].techniques).toEqual(expect.arrayContaining(['T0855', 'T0836', 'T0846']));
    sla = new Queue('sla', { connection: queueConnection(r.url), prefix });
    const job = await sla.getJob(`${incidents[0].id}:incident.opened:1`);
    expect(job?.name).toBe('incident-event');
    expect(job?.data).toMatchObject({ tenantId, incidentId: incidents[0].id, type: 'incident.opened', version: 1 });
  });
});
