// The incident writer against Postgres: which open incident each alert joins (by grouping key, or
// linked by a shared asset or source address), and alerts another writer attached meanwhile.
import crypto from 'node:crypto';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { groupingKey, type IncidentAssetView } from './grouping';
import { DEFAULT_INCIDENT_SETTINGS, writeIncidentsForAlerts, type AlertForIncident, type IncidentSettings } from './incident-writer';

describe('incident writer (Postgres)', () => {
  let t: TestDatabase;
  const now = new Date();
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const plc = crypto.randomUUID();
  const hmi = crypto.randomUUID();
  const assets: IncidentAssetView[] = [
    { id: plc, name: 'Pump PLC', ip: '10.30.0.11', purdueLevel: 1, criticality: 'CRITICAL' },
    { id: hmi, name: 'Operator HMI', ip: '10.30.0.20', purdueLevel: 2, criticality: 'HIGH' },
  ];

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function seedTenant(): Promise<string> {
    const tenantId = crypto.randomUUID();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Plant', $2)`, [tenantId, `plant-${tenantId.slice(0, 8)}`]);
    return tenantId;
  }

  async function seedIncident(tenantId: string, key: string, lastAlertAt: Date, entities: { assetIds?: string[]; srcIps?: string[] } = {}): Promise<string> {
    const [row] = await t.owner.query(
      `INSERT INTO incidents (tenant_id, title, severity, grouping_key, window_started_at, last_alert_at, alert_count, asset_ids, src_ips)
       VALUES ($1, $2, 'MEDIUM', $2, $3, $3, 1, $4::uuid[], $5::inet[]) RETURNING id`,
      [tenantId, key, lastAlertAt, entities.assetIds ?? [], entities.srcIps ?? []],
    );
    return row.id;
  }

  /** Stores an OPEN alert row and returns the writer's view of it. */
  async function seedAlert(tenantId: string, ruleId: string, ts: Date, at: { srcIp?: string | null; dstIp?: string | null; dstAssetId?: string | null }): Promise<AlertForIncident> {
    const view: AlertForIncident = {
      id: crypto.randomUUID(),
      ruleId,
      ruleTitle: `Rule ${ruleId}`,
      severity: 'MEDIUM',
      ts,
      srcIp: at.srcIp ?? null,
      dstIp: at.dstIp ?? null,
      dstAssetId: at.dstAssetId ?? null,
      srcAssetId: null,
      techniques: [],
      assetIds: at.dstAssetId ? [at.dstAssetId] : [],
    };
    await t.owner.query(
      `INSERT INTO alerts (tenant_id, id, dedup_key, rule_kind, rule_ref, rule_title, severity, event_ts, src_ip, dst_ip, asset_ids, grouping_key)
       VALUES ($1, $2, $3, 'SIGMA', $4, $5, 'MEDIUM', $6, $7, $8, $9::uuid[], $10)`,
      [tenantId, view.id, `test:${view.id}`, ruleId, view.ruleTitle, ts, view.srcIp, view.dstIp, view.assetIds, groupingKey(view)],
    );
    return view;
  }

  const write = (tenantId: string, alerts: AlertForIncident[], settings: IncidentSettings = DEFAULT_INCIDENT_SETTINGS) =>
    t.db.withScope(Scope.tenant(tenantId), (tx) => writeIncidentsForAlerts(tx, { tenantId, batchId: crypto.randomUUID(), alerts, assets, zones: [], settings, now }));

  const incidentOf = async (alert: AlertForIncident): Promise<string | null> =>
    (await t.owner.query(`SELECT incident_id FROM alerts WHERE id = $1`, [alert.id]))[0].incident_id;

  it('links an alert to the most recent open incident sharing an asset or source address, including incidents opened or widened in the same call', async () => {
    const tenantId = await seedTenant();
    const older = await seedIncident(tenantId, `rule.x::asset:${plc}`, minutesAgo(50), { assetIds: [plc] });
    const recent = await seedIncident(tenantId, 'rule.y::ip:10.10.0.5', minutesAgo(10), { assetIds: [plc], srcIps: ['10.10.0.5'] });
    // on the PLC from a new host: both incidents share the PLC, the more recent one wins
    const onPlc = await seedAlert(tenantId, 'rule.z', minutesAgo(5), { srcIp: '10.10.9.9', dstIp: '10.30.0.11', dstAssetId: plc });
    // on the HMI: nothing to link to, opens an incident
    const onHmi = await seedAlert(tenantId, 'rule.w', minutesAgo(4), { srcIp: '10.10.1.1', dstIp: '10.30.0.20', dstAssetId: hmi });
    // same source as the HMI alert: linked to the incident the HMI alert just opened
    const fromHmiSource = await seedAlert(tenantId, 'rule.v', minutesAgo(3), { srcIp: '10.10.1.1', dstIp: '10.40.0.2' });
    // same source as the PLC alert, whose address the recent incident gained in this call
    const fromPlcSource = await seedAlert(tenantId, 'rule.u', minutesAgo(2), { srcIp: '10.10.9.9', dstIp: '10.40.0.3' });

    const changes = await write(tenantId, [fromPlcSource, onHmi, onPlc, fromHmiSource]);

    expect(await incidentOf(onPlc)).toBe(recent);
    expect(await incidentOf(fromPlcSource)).toBe(recent);
    const opened = await incidentOf(onHmi);
    expect(opened).not.toBeNull();
    expect([older, recent]).not.toContain(opened);
    expect(await incidentOf(fromHmiSource)).toBe(opened);
    const counts = await t.owner.query(`SELECT id, alert_count FROM incidents WHERE tenant_id = $1 ORDER BY alert_count, id`, [tenantId]);
    expect(Object.fromEntries(counts.map((r: { id: string; alert_count: number }) => [r.id, r.alert_count]))).toEqual({ [older]: 1, [recent]: 3, [opened as string]: 2 });
    expect(changes.map((c) => `${c.incidentId === opened ? 'new' : c.incidentId === recent ? 'recent' : 'older'}:${c.kind}`).sort()).toEqual(['new:opened', 'recent:severity_changed', 'recent:updated']); // the CRITICAL PLC raises it
  });

  it('follows the grouping key outside its window when linking is off, and links across keys when it is on', async () => {
    for (const linkByEntity of [false, true]) {
      const tenantId = await seedTenant();
      const sameKey = await seedIncident(tenantId, `rule.x::asset:${plc}`, minutesAgo(180), { assetIds: [plc] });
      const linked = await seedIncident(tenantId, `rule.y::asset:${plc}`, minutesAgo(10), { assetIds: [plc] });
      const alert = await seedAlert(tenantId, 'rule.x', minutesAgo(1), { srcIp: '10.10.9.9', dstIp: '10.30.0.11', dstAssetId: plc });
      await write(tenantId, [alert], { ...DEFAULT_INCIDENT_SETTINGS, linkByEntity });
      const joined = await incidentOf(alert);
      if (linkByEntity) expect(joined).toBe(linked);
      else expect([sameKey, linked, null]).not.toContain(joined); // the key's incident is out of its window: a new episode
    }
  });

  it('leaves out alerts another writer attached while it waited for the lock', async () => {
    const tenantId = await seedTenant();
    const elsewhere = await seedIncident(tenantId, 'rule.q::ip:10.10.2.2', minutesAgo(5), { srcIps: ['10.10.2.2'] });
    const taken = await seedAlert(tenantId, 'rule.q', minutesAgo(2), { srcIp: '10.10.2.2' });
    await t.owner.query(`UPDATE alerts SET incident_id = $2 WHERE id = $1`, [taken.id, elsewhere]);
    expect(await write(tenantId, [taken])).toEqual([]);

    const free = await seedAlert(tenantId, 'rule.r', minutesAgo(1), { srcIp: '10.10.3.3' });
    const changes = await write(tenantId, [taken, free]);
    expect(changes.map((c) => c.kind)).toEqual(['opened']);
    expect(await incidentOf(taken)).toBe(elsewhere);
    const [opened] = await t.owner.query(`SELECT alert_count FROM incidents WHERE id = $1`, [await incidentOf(free)]);
    expect(opened.alert_count).toBe(1);
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM incident_alerts WHERE alert_id = $1`, [taken.id]);
    expect(n).toBe(0);
  });
});
