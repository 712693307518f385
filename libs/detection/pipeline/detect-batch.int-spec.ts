import { builtinSigmaId, createRuleVersions, importDetectionRules, importShippedRules, setRuleEnabled, type RuleVersions } from '@watchfloor/detection/rules';
import type { IncidentChange } from '@watchfloor/incidents';
import { testDetector } from '../../../test/detector';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../../test/harness';
import { attackRecords, insertZeekBatch, seedPlant, zeekConn, zeekModbus, type Plant } from './__fixtures__/plant';
import type { Detector } from '.';

const REGISTER_WRITE_RULE = 'cf24f6e0-ad53-4bad-a748-524caa32b8e3';

describe('detect job (Postgres + Redis)', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let versions: RuleVersions;
  const emitted: IncidentChange[] = [];

  /** A fresh "worker": its own rule cache, OT model cache and correlation engine client (the shipped rules are imported once, in beforeAll). */
  const worker = (): Promise<Detector> => testDetector(t, r, { importRules: false, emit: async (_tenant, changes) => void emitted.push(...changes) });

  const snapshot = async (plant: Plant) => ({
    alerts: await t.owner.query(`SELECT dedup_key, severity, disposition, incident_id FROM alerts WHERE tenant_id = $1 ORDER BY dedup_key`, [plant.tenantId]),
    incidents: await t.owner.query(`SELECT id, severity, alert_count, version, techniques FROM incidents WHERE tenant_id = $1 ORDER BY id`, [plant.tenantId]),
    links: await t.owner.query(`SELECT incident_id, alert_id FROM incident_alerts WHERE tenant_id = $1 ORDER BY alert_id`, [plant.tenantId]),
    activity: await t.owner.query(`SELECT incident_id, kind FROM incident_activity WHERE tenant_id = $1 ORDER BY incident_id, kind`, [plant.tenantId]),
  });

  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 8 });
    r = await createTestRedis();
    versions = createRuleVersions(r.redis, `${r.prefix}:`);
    await importShippedRules(t.db, versions);
  });
  afterAll(async () => {
    await r.cleanup();
    await t.drop();
  });

  it('changes nothing when the same batch runs again', async () => {
    const plant = await seedPlant(t.owner);
    const { batchId } = await insertZeekBatch(t.db, plant, attackRecords(new Date(Date.now() - 600_000)));
    const w = await worker();
    const first = await w.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    const before = await snapshot(plant);
    expect(first.alertsInserted).toBe(before.alerts.length);
    expect(before.incidents).toHaveLength(1);

    expect((await w.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() })).status).toBe('already_done');
    const forced = await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId, now: new Date(), force: true });
    expect(forced).toMatchObject({ status: 'done', alertsInserted: 0, alertsDuplicate: first.alertsInserted - first.correlationAlerts, incidentChanges: [] });
    expect(await snapshot(plant)).toEqual(before);
  });

  it('yields exactly the same alerts and incidents when two workers take the same batch at once', async () => {
    const single = await seedPlant(t.owner);
    const twin = await seedPlant(t.owner);
    const start = new Date(Date.now() - 600_000);
    const a = await insertZeekBatch(t.db, single, attackRecords(start));
    await (await worker()).detectBatch({ tenantId: single.tenantId, batchId: a.batchId, now: new Date() });

    const b = await insertZeekBatch(t.db, twin, attackRecords(start));
    const twins = await Promise.all([worker(), worker()]);
    const results = await Promise.all(twins.map((w) => w.detectBatch({ tenantId: twin.tenantId, batchId: b.batchId, now: new Date() })));
    expect(results.reduce((n, x) => n + x.alertsInserted, 0)).toBe((await snapshot(single)).alerts.length);
    // The per-batch lock makes the second worker wait and find the batch DONE.
    expect(results.map((x) => x.status).sort()).toEqual(['already_done', 'done']);

    const one = await snapshot(single);
    const two = await snapshot(twin);
    // Same records for another tenant and sensor: event ids differ, the alert set must not.
    const shape = (rows: { dedup_key: string; severity: string; disposition: string }[]) =>
      rows.map((x) => `${x.dedup_key.startsWith('corr:') ? 'corr' : x.dedup_key.split(':')[0]}|${x.severity}|${x.disposition}`).sort();
    expect(shape(two.alerts)).toEqual(shape(one.alerts));
    expect(new Set(two.alerts.map((x: { dedup_key: string }) => x.dedup_key)).size).toBe(two.alerts.length);
    expect(two.incidents).toHaveLength(1);
    expect(two.incidents[0]).toMatchObject({ severity: one.incidents[0].severity, alert_count: one.incidents[0].alert_count, version: 1 });
    expect(two.links).toHaveLength(two.alerts.length);
    expect(two.activity.map((x: { kind: string }) => x.kind)).toEqual(['alert_attached', 'opened']);
  });

  it('attaches a later batch to the open incident and raises its severity with a timeline entry', async () => {
    const plant = await seedPlant(t.owner);
    const start = new Date(Date.now() - 600_000);
    // first: a segmentation violation to an unknown control host (HIGH, no asset) from the corporate host
    const first = await insertZeekBatch(t.db, plant, [zeekModbus(start, '10.10.7.23', '10.30.0.99', 'READ_COILS')]);
    const w = await worker();
    await w.detectBatch({ tenantId: plant.tenantId, batchId: first.batchId, now: new Date() });
    let incidents = await t.owner.query(`SELECT id, severity, version FROM incidents WHERE tenant_id = $1`, [plant.tenantId]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].severity).toBe('HIGH');
    emitted.length = 0;
    // then: a write to the pump PLC from the same host, linked by source address
    const second = await insertZeekBatch(t.db, plant, [zeekModbus(new Date(start.getTime() + 60_000), '10.10.7.23', '10.30.0.11', 'WRITE_SINGLE_REGISTER')]);
    await w.detectBatch({ tenantId: plant.tenantId, batchId: second.batchId, now: new Date() });
    incidents = await t.owner.query(`SELECT id, severity, version, alert_count FROM incidents WHERE tenant_id = $1`, [plant.tenantId]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ severity: 'CRITICAL', version: 2 });
    const kinds = (await t.owner.query(`SELECT kind FROM incident_activity WHERE incident_id = $1 ORDER BY created_at, kind`, [incidents[0].id])).map((x: { kind: string }) => x.kind);
    expect(kinds.filter((k: string) => k === 'alert_attached')).toHaveLength(2); // one per batch
    expect(kinds).toContain('severity_raised');
    expect(emitted.map((e) => e.type).sort()).toEqual(['incident.severity_changed', 'incident.updated']);
    expect(emitted.every((e) => e.version === 2 && e.incidentId === incidents[0].id)).toBe(true);
  });

  it('reopens a recently resolved incident for the same rule and entity, and opens a new one after a closed one', async () => {
    const plant = await seedPlant(t.owner, { incidents: { linkByEntity: false } });
    const w = await worker();
    const write = (src: string, secondsAgo: number) => zeekModbus(new Date(Date.now() - secondsAgo * 1000), src, '10.30.0.11', 'WRITE_SINGLE_COIL');
    await w.detectBatch({ tenantId: plant.tenantId, batchId: (await insertZeekBatch(t.db, plant, [write('10.20.1.5', 300)])).batchId, now: new Date() });
    const [first] = await t.owner.query(`SELECT id, grouping_key FROM incidents WHERE tenant_id = $1 AND grouping_key LIKE 'watchfloor.ot.control_write::%'`, [plant.tenantId]);
    expect(first).toBeUndefined(); // engineering hosts may write (conduit peers): no control_write
    const incidentsBefore = await t.owner.query(`SELECT id, grouping_key FROM incidents WHERE tenant_id = $1`, [plant.tenantId]);
    expect(incidentsBefore).toHaveLength(1); // the coil write rule on the PLC
    const [coil] = incidentsBefore;
    await t.owner.query(`UPDATE incidents SET status = 'RESOLVED', resolved_at = now() - interval '5 minutes' WHERE id = $1`, [coil.id]);
    emitted.length = 0;
    await w.detectBatch({ tenantId: plant.tenantId, batchId: (await insertZeekBatch(t.db, plant, [write('10.20.1.6', 60)])).batchId, now: new Date() });
    const [reopened] = await t.owner.query(`SELECT status, resolved_at, version, alert_count FROM incidents WHERE id = $1`, [coil.id]);
    expect(reopened).toEqual({ status: 'NEW', resolved_at: null, version: 2, alert_count: 2 });
    expect(emitted.map((e) => e.type).sort()).toEqual(['incident.reopened', 'incident.updated']);
    const kinds = (await t.owner.query(`SELECT kind FROM incident_activity WHERE incident_id = $1`, [coil.id])).map((x: { kind: string }) => x.kind);
    expect(kinds).toContain('reopened');

    await t.owner.query(`UPDATE incidents SET status = 'CLOSED', resolved_at = now() - interval '1 minute', closed_at = now() WHERE id = $1`, [coil.id]);
    await w.detectBatch({ tenantId: plant.tenantId, batchId: (await insertZeekBatch(t.db, plant, [write('10.20.1.7', 30)])).batchId, now: new Date() });
    const all = await t.owner.query(`SELECT id, status FROM incidents WHERE tenant_id = $1 AND grouping_key = $2 ORDER BY created_at`, [plant.tenantId, coil.grouping_key]);
    expect(all.map((x: { status: string }) => x.status)).toEqual(['CLOSED', 'NEW']);
  });

  it('stores suppressed alerts with the suppression, counts them once, and keeps them out of incidents', async () => {
    const plant = await seedPlant(t.owner);
    const [{ id: supp }] = await t.owner.query(
      `INSERT INTO suppressions (tenant_id, rule_id, match, reason) SELECT $1, id, '{"srcIp": "10.10.7.*"}', 'red team exercise' FROM detection_rules WHERE sigma_id = $2 RETURNING id`,
      [plant.tenantId, REGISTER_WRITE_RULE],
    );
    await t.owner.query(`INSERT INTO suppressions (tenant_id, match, reason, expires_at) VALUES ($1, '{"srcIp": "10.10.7.23"}', 'expired', now() - interval '1 hour')`, [plant.tenantId]);
    const { batchId } = await insertZeekBatch(t.db, plant, [zeekModbus(new Date(Date.now() - 60_000), '10.10.7.23', '10.30.0.11', 'WRITE_MULTIPLE_REGISTERS')]);
    const result = await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    expect(result.suppressed).toBe(1);
    const alerts = await t.owner.query(`SELECT rule_ref, disposition, suppression_id, incident_id FROM alerts WHERE tenant_id = $1 ORDER BY rule_ref`, [plant.tenantId]);
    const suppressed = alerts.filter((a: { disposition: string }) => a.disposition === 'SUPPRESSED');
    expect(suppressed).toEqual([{ rule_ref: REGISTER_WRITE_RULE, disposition: 'SUPPRESSED', suppression_id: supp, incident_id: null }]);
    expect(alerts.filter((a: { disposition: string; incident_id: string | null }) => a.disposition === 'OPEN' && a.incident_id !== null)).toHaveLength(alerts.length - 1);
    await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId, now: new Date(), force: true });
    const [{ silenced_count }] = await t.owner.query(`SELECT silenced_count::int FROM suppressions WHERE id = $1`, [supp]);
    expect(silenced_count).toBe(1);
  });

  it('marks planned writes under a maintenance window as MAINTENANCE at LOW without an incident; segmentation stays open', async () => {
    const plant = await seedPlant(t.owner);
    const ts = new Date(Date.now() - 60_000);
    await t.owner.query(
      `INSERT INTO maintenance_windows (tenant_id, zone_ids, starts_at, ends_at, change_ticket) VALUES ($1, ARRAY[$2]::uuid[], $3, $4, 'CHG-4711')`,
      [plant.tenantId, plant.zones.control, new Date(ts.getTime() - 3600_000), new Date(ts.getTime() + 3600_000)],
    );
    const { batchId } = await insertZeekBatch(t.db, plant, [zeekModbus(ts, '10.10.7.23', '10.30.0.11', 'WRITE_MULTIPLE_REGISTERS')]);
    const result = await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    expect(result.maintenance).toBe(2);
    const alerts = await t.owner.query(`SELECT rule_ref, disposition, severity, maintenance_window_id IS NOT NULL AS in_window, incident_id IS NOT NULL AS grouped, details->>'changeTicket' AS ticket FROM alerts WHERE tenant_id = $1 ORDER BY rule_ref`, [plant.tenantId]);
    expect(alerts).toEqual([
      { rule_ref: REGISTER_WRITE_RULE, disposition: 'MAINTENANCE', severity: 'LOW', in_window: true, grouped: false, ticket: 'CHG-4711' },
      { rule_ref: 'watchfloor.ot.control_write', disposition: 'MAINTENANCE', severity: 'LOW', in_window: true, grouped: false, ticket: 'CHG-4711' },
      { rule_ref: 'watchfloor.ot.segmentation_violation', disposition: 'OPEN', severity: 'HIGH', in_window: false, grouped: true, ticket: null },
    ]);
  });

  it('lets a window on the target asset alone cover the Sigma write rule like control_write, keeping the severity before maintenance', async () => {
    const plant = await seedPlant(t.owner);
    const ts = new Date(Date.now() - 60_000);
    await t.owner.query(
      `INSERT INTO maintenance_windows (tenant_id, asset_ids, starts_at, ends_at, change_ticket) VALUES ($1, ARRAY[$2]::uuid[], $3, $4, 'CHG-4712')`,
      [plant.tenantId, plant.plcId, new Date(ts.getTime() - 3600_000), new Date(ts.getTime() + 3600_000)],
    );
    const { batchId } = await insertZeekBatch(t.db, plant, [
      zeekModbus(ts, '10.10.7.23', '10.30.0.11', 'WRITE_MULTIPLE_REGISTERS'),
      zeekModbus(ts, '10.10.7.23', '10.30.0.20', 'WRITE_MULTIPLE_REGISTERS'), // the HMI: same zone, not under the window
    ]);
    await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    const alerts = await t.owner.query(
      `SELECT rule_ref, host(dst_ip) AS dst, disposition, severity, details->>'severityBeforeMaintenance' AS before, details->>'changeTicket' AS ticket
         FROM alerts WHERE tenant_id = $1 AND rule_ref IN ($2, 'watchfloor.ot.control_write') ORDER BY rule_ref, dst`,
      [plant.tenantId, REGISTER_WRITE_RULE],
    );
    expect(alerts).toEqual([
      { rule_ref: REGISTER_WRITE_RULE, dst: '10.30.0.11', disposition: 'MAINTENANCE', severity: 'LOW', before: 'MEDIUM', ticket: 'CHG-4712' },
      { rule_ref: REGISTER_WRITE_RULE, dst: '10.30.0.20', disposition: 'OPEN', severity: 'MEDIUM', before: null, ticket: null },
      { rule_ref: 'watchfloor.ot.control_write', dst: '10.30.0.11', disposition: 'MAINTENANCE', severity: 'LOW', before: 'HIGH', ticket: 'CHG-4712' },
      { rule_ref: 'watchfloor.ot.control_write', dst: '10.30.0.20', disposition: 'OPEN', severity: 'HIGH', before: null, ticket: null },
    ]);
  });

  it('honours a tenant switching a built-in detection off, and a severity override', async () => {
    const plant = await seedPlant(t.owner);
    const [{ id: seg }] = await t.owner.query(`SELECT id FROM detection_rules WHERE sigma_id = $1`, [builtinSigmaId('segmentation_violation')]);
    const [{ id: write }] = await t.owner.query(`SELECT id FROM detection_rules WHERE sigma_id = $1`, [REGISTER_WRITE_RULE]);
    const w = await worker();
    const { batchId } = await insertZeekBatch(t.db, plant, [zeekModbus(new Date(Date.now() - 60_000), '10.10.7.23', '10.30.0.11', 'WRITE_MULTIPLE_REGISTERS')]);
    await w.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() }); // warm the caches first
    expect((await setRuleEnabled(t.db, versions, { ruleId: seg, tenantId: plant.tenantId, enabled: false })).ok).toBe(true);
    await t.owner.query(`INSERT INTO tenant_rule_settings (tenant_id, rule_id, enabled, severity_override) VALUES ($1, $2, true, 'CRITICAL')`, [plant.tenantId, write]);
    await versions.bump(plant.tenantId);
    const second = await insertZeekBatch(t.db, plant, [zeekModbus(new Date(Date.now() - 30_000), '10.10.7.24', '10.30.0.11', 'WRITE_MULTIPLE_REGISTERS')]);
    await w.detectBatch({ tenantId: plant.tenantId, batchId: second.batchId, now: new Date() });
    const alerts = await t.owner.query(`SELECT rule_ref, severity FROM alerts WHERE tenant_id = $1 AND src_ip = '10.10.7.24' ORDER BY rule_ref`, [plant.tenantId]);
    expect(alerts).toEqual([
      { rule_ref: REGISTER_WRITE_RULE, severity: 'CRITICAL' },
      { rule_ref: 'watchfloor.ot.control_write', severity: 'HIGH' },
    ]);
  });

  it('raises one sensor_silence alert per silent sensor and silence episode, grouped per sensor', async () => {
    const plant = await seedPlant(t.owner);
    const now = new Date();
    await t.owner.query(`UPDATE sensors SET last_event_at = $3, expected_interval_seconds = 300 WHERE tenant_id = $1 AND id = $2`, [plant.tenantId, plant.sensorId, new Date(now.getTime() - 3 * 3600_000)]);
    const w = await worker();
    const first = await w.raiseSensorSilence(now);
    expect(first.silentSensors).toBeGreaterThanOrEqual(1);
    const again = await w.raiseSensorSilence(new Date(now.getTime() + 60_000));
    const alerts = await t.owner.query(`SELECT rule_ref, severity, dedup_key, incident_id, details->>'summary' AS summary FROM alerts WHERE tenant_id = $1`, [plant.tenantId]);
    expect(alerts).toHaveLength(1); // the second sweep found the same episode
    expect(alerts[0]).toMatchObject({ rule_ref: 'watchfloor.ot.sensor_silence', severity: 'MEDIUM' });
    expect(alerts[0].summary).toMatch(/Sensor plant-zeek has sent no events for 3 h/);
    expect(again.alertsInserted).toBe(0);
    // a new episode: the sensor spoke, then went quiet again
    await t.owner.query(`UPDATE sensors SET last_event_at = $3 WHERE tenant_id = $1 AND id = $2`, [plant.tenantId, plant.sensorId, new Date(now.getTime() - 20 * 60_000)]);
    await w.raiseSensorSilence(now);
    const incidents = await t.owner.query(`SELECT grouping_key, alert_count FROM incidents WHERE tenant_id = $1`, [plant.tenantId]);
    expect(incidents).toEqual([{ grouping_key: `watchfloor.ot.sensor_silence::sensor:${plant.sensorId}`, alert_count: 2 }]);
  });

  it('closes upper-bound correlation windows in the periodic sweep and writes their alert once', async () => {
    const plant = await seedPlant(t.owner);
    const yaml = `title: Few failed connection attempts
id: 5b0e8a4c-7a51-4d55-9a3e-2f0b7f3f9c11
author: Tenant SOC
level: low
correlation:
  type: event_count
  rules: [watchfloor_conn_attempt]
  group-by: [id.orig_h]
  timespan: 1m
  condition: { lte: 2 }
`;
    expect((await importDetectionRules(t.db, versions, { tenantId: plant.tenantId, yaml })).items[0].status).toBe('IMPORTED');
    const ts = new Date(Date.now() - 10 * 60_000);
    const { batchId } = await insertZeekBatch(t.db, plant, [zeekConn(ts, '10.20.4.4', '10.20.9.9', 8080, 'REJ'), zeekConn(new Date(ts.getTime() + 5000), '10.20.4.4', '10.20.9.9', 8081, 'REJ')]);
    const w = await worker();
    expect((await w.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() })).correlationAlerts).toBe(0); // window still open by event time
    await w.sweepCorrelations(new Date());
    const alerts = await t.owner.query(`SELECT rule_ref, rule_kind, rule_author, severity, event_count, host(src_ip) AS src FROM alerts WHERE tenant_id = $1`, [plant.tenantId]);
    expect(alerts).toEqual([{ rule_ref: '5b0e8a4c-7a51-4d55-9a3e-2f0b7f3f9c11', rule_kind: 'CORRELATION', rule_author: 'Tenant SOC', severity: 'LOW', event_count: 2, src: null }]);
    await w.sweepCorrelations(new Date());
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM alerts WHERE tenant_id = $1`, [plant.tenantId]);
    expect(n).toBe(1);
  });

  it('raises only the outer correlation when an inner one feeds it with generate: false (the default)', async () => {
    const plant = await seedPlant(t.owner);
    const yaml = `title: Repeated connection attempts
id: 6c1f9b5d-8b62-4e66-8b4f-3a1c8e4a0d21
name: repeated_conn_attempts
level: low
correlation:
  type: event_count
  rules: [watchfloor_conn_attempt]
  group-by: [id.orig_h]
  timespan: 1m
  condition: { gte: 2 }
---
title: Host keeps retrying
id: 7d2a0c6e-9c73-4f77-9c5a-4b2d9f5b1e32
level: medium
correlation:
  type: event_count
  rules: [repeated_conn_attempts]
  group-by: [id.orig_h]
  timespan: 10m
  condition: { gte: 2 }
`;
    const imported = await importDetectionRules(t.db, versions, { tenantId: plant.tenantId, yaml });
    expect(imported.items.map((i) => [i.status, i.reason ?? null])).toEqual([['IMPORTED', null], ['IMPORTED', null]]);
    const ts = new Date(Date.now() - 10 * 60_000);
    // Two bursts two minutes apart: the inner correlation matches twice, the outer once.
    const at = (s: number) => new Date(ts.getTime() + s * 1000);
    const { batchId } = await insertZeekBatch(t.db, plant, [0, 5, 120, 125].map((s, i) => zeekConn(at(s), '10.20.4.5', '10.20.9.9', 8080 + i, 'REJ')));
    await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    const alerts = await t.owner.query(`SELECT rule_ref FROM alerts WHERE tenant_id = $1 AND rule_kind = 'CORRELATION'`, [plant.tenantId]);
    expect(alerts).toEqual([{ rule_ref: '7d2a0c6e-9c73-4f77-9c5a-4b2d9f5b1e32' }]);
  });

  it('reports a missing batch without writing anything', async () => {
    const plant = await seedPlant(t.owner);
    const result = await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId: '00000000-0000-4000-8000-000000000000', now: new Date() });
    expect(result.status).toBe('missing_batch');
    // another tenant's batch is invisible under this tenant's scope
    const other = await seedPlant(t.owner);
    const { batchId: foreign } = await insertZeekBatch(t.db, other, attackRecords(new Date(Date.now() - 60_000)));
    expect((await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId: foreign, now: new Date() })).status).toBe('missing_batch');
    const [batch] = await t.owner.query(`SELECT status FROM ingest_batches WHERE id = $1`, [foreign]);
    expect(batch.status).toBe('PENDING');
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM alerts WHERE tenant_id IN ($1, $2)`, [plant.tenantId, other.tenantId]);
    expect(n).toBe(0);
    expect(await (await worker()).detectBatch({ tenantId: 'acme', batchId: '00000000-0000-4000-8000-000000000000', now: new Date() })).toMatchObject({ status: 'invalid_input', error: 'tenantId is not a uuid: "acme"' });
    expect(await (await worker()).detectBatch({ tenantId: plant.tenantId, batchId: '00000000-0000-4000-8000-000000000000', now: new Date('x') })).toMatchObject({ status: 'invalid_input', error: 'now must be a valid Date' });
  });
});
