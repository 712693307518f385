import crypto from 'node:crypto';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import {
  incidentSlaSnapshot,
  listSlaPolicies,
  reconcileIncident,
  reconcileIncidentSla,
  SlaError,
  sweepSla,
  upsertSlaPolicy,
  type SlaPolicyInput,
  type SlaQueues,
} from '.';

const MIN = 60_000;
const T0 = new Date('2026-11-23T10:00:00Z'); // a Monday

function fakeQueues() {
  const added: Array<{ queue: string; name: string; data: unknown; opts: unknown }> = [];
  const queue = (name: string) => ({ add: async (job: string, data: unknown, opts?: unknown) => void added.push({ queue: name, name: job, data, opts }) });
  return { queues: { sla: queue('sla'), deliver: queue('deliver') } as unknown as SlaQueues, added };
}

describe('incident SLA (integration)', () => {
  let t: TestDatabase;
  let tenantId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  beforeEach(async () => {
    tenantId = crypto.randomUUID();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Stadtwerke Nord', $2)`, [tenantId, `sw-${tenantId.slice(0, 8)}`]);
  });

  const policy = (input: Partial<SlaPolicyInput> = {}) =>
    t.db.withScope(Scope.tenant(tenantId), (tx) => upsertSlaPolicy(tx, { tenantId, severity: 'HIGH', acknowledgeMinutes: 10, resolveMinutes: 60, ...input }));

  async function incident(fields: { severity?: string; status?: string; createdAt?: Date } = {}): Promise<string> {
    const id = crypto.randomUUID();
    const created = fields.createdAt ?? T0;
    await t.owner.query(
      `INSERT INTO incidents (tenant_id, id, title, severity, status, grouping_key, window_started_at, last_alert_at, created_at, updated_at)
       VALUES ($1, $2, 'Unexpected Modbus write to PLC-7', $3, $4, $5, $6, $6, $6, $6)`,
      [tenantId, id, fields.severity ?? 'HIGH', fields.status ?? 'NEW', `k-${id}`, created],
    );
    return id;
  }
  const setStatus = (id: string, status: string, at: Date, extra = '') =>
    t.owner.query(`UPDATE incidents SET status = $3, updated_at = $4${extra} WHERE tenant_id = $1 AND id = $2`, [tenantId, id, status, at]);
  const row = async (id: string) => (await t.owner.query(`SELECT * FROM incidents WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0];
  const activities = async (id: string, kinds: string[]) =>
    t.owner.query(`SELECT kind, body, data, dedup_key FROM incident_activity WHERE tenant_id = $1 AND incident_id = $2 AND kind = ANY($3) ORDER BY created_at, kind`, [tenantId, id, kinds]);

  it('versions policies: a new version deactivates the old one, open incidents keep theirs', async () => {
    const v1 = await policy();
    const first = await incident();
    const o1 = await reconcileIncident(t.db, tenantId, first, { now: T0 });
    expect(o1.policy).toEqual({ id: v1.id, version: 1 });

    const v2 = await policy({ acknowledgeMinutes: 5, resolveMinutes: 30 });
    expect(v2.version).toBe(2);
    const active = await t.db.withScope(Scope.tenant(tenantId), (tx) => listSlaPolicies(tx, tenantId));
    expect(active.map((p) => [p.severity, p.version, p.active])).toEqual([['HIGH', 2, true]]);
    const all = await t.db.withScope(Scope.tenant(tenantId), (tx) => listSlaPolicies(tx, tenantId, { includeInactive: true }));
    expect(all.map((p) => [p.version, p.active])).toEqual([
      [2, true],
      [1, false],
    ]);

    const again = await reconcileIncident(t.db, tenantId, first, { now: new Date(T0.getTime() + MIN) });
    expect(again.policy).toEqual({ id: v1.id, version: 1 });
    expect(again.sla!.acknowledgeDueAt).toEqual(new Date(T0.getTime() + 10 * MIN));

    const second = await incident();
    const o2 = await reconcileIncident(t.db, tenantId, second, { now: T0 });
    expect(o2.policy).toEqual({ id: v2.id, version: 2 });
    expect(o2.sla!.acknowledgeDueAt).toEqual(new Date(T0.getTime() + 5 * MIN));
    const stored = await row(second);
    expect([stored.sla_policy_id, stored.sla_policy_version, stored.resolve_due_at]).toEqual([v2.id, 2, new Date(T0.getTime() + 30 * MIN)]);
  });

  it('refuses invalid policies with every problem named', async () => {
    const err = await policy({ acknowledgeMinutes: 0, warnFraction: 1, calendar: { timezone: 'Mars/Olympus', businessHours: [{ weekday: 1, start: '09:00', end: '17:00' }] }, pauseStatuses: ['RESOLVED'] }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(SlaError);
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(/acknowledgeMinutes/);
    expect(err.message).toMatch(/warnFraction/);
    expect(err.message).toMatch(/Mars\/Olympus/);
    expect(err.message).toMatch(/pauseStatuses: RESOLVED/);
    const missing = await t.db.withScope(Scope.all('test'), (tx) => upsertSlaPolicy(tx, { tenantId: crypto.randomUUID(), severity: 'LOW', acknowledgeMinutes: 5, resolveMinutes: 10 })).catch((e) => e);
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('keeps another tenant out: its scope lists nothing and cannot write a policy for this tenant', async () => {
    await policy();
    const other = crypto.randomUUID();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Northgate', $2)`, [other, `n-${other.slice(0, 8)}`]);
    expect(await t.db.withScope(Scope.tenant(other), (tx) => listSlaPolicies(tx, tenantId, { includeInactive: true }))).toEqual([]);
    const err = await t.db.withScope(Scope.tenant(other), (tx) => upsertSlaPolicy(tx, { tenantId, severity: 'LOW', acknowledgeMinutes: 5, resolveMinutes: 10 })).catch((e) => e);
    expect(err.code).toBe('NOT_FOUND');
    const id = await incident();
    const o = await t.db.withScope(Scope.tenant(other), (tx) => reconcileIncidentSla(tx, tenantId, id, { now: T0 })).catch((e) => e);
    expect(o.found).toBe(false);
    expect((await row(id)).sla_policy_id).toBeNull();
  });

  it('pauses the resolve clock while awaiting the customer and resumes it after', async () => {
    await policy();
    const id = await incident();
    await reconcileIncident(t.db, tenantId, id, { now: T0 });
    await setStatus(id, 'ACKNOWLEDGED', new Date(T0.getTime() + 2 * MIN), `, acknowledged_at = '${new Date(T0.getTime() + 2 * MIN).toISOString()}'`);
    await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 2 * MIN), event: { type: 'incident.acknowledged', at: new Date(T0.getTime() + 2 * MIN) } });
    await setStatus(id, 'AWAITING_CUSTOMER', new Date(T0.getTime() + 10 * MIN));
    const paused = await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 11 * MIN), event: { type: 'incident.status_changed', at: new Date(T0.getTime() + 10 * MIN) } });
    expect(paused.sla!.paused).toBe(true);
    expect((await row(id)).paused_since).toEqual(new Date(T0.getTime() + 10 * MIN));
    // 30 minutes later nothing has moved on the resolve clock: 50 minutes were left at the pause.
    const later = await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 40 * MIN) });
    expect(later.sla!.remainingSeconds).toBe(50 * 60);

    await setStatus(id, 'INVESTIGATING', new Date(T0.getTime() + 40 * MIN));
    const resumed = await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 41 * MIN), event: { type: 'incident.status_changed', at: new Date(T0.getTime() + 40 * MIN) } });
    expect(resumed.sla!.paused).toBe(false);
    expect(resumed.sla!.resolveDueAt).toEqual(new Date(T0.getTime() + 90 * MIN));
    const r = await row(id);
    expect([r.paused_since, r.paused_seconds, r.time_to_acknowledge_seconds]).toEqual([null, 30 * 60, 120]);
    expect((await activities(id, ['sla_paused', 'sla_resumed'])).map((a: { kind: string }) => a.kind)).toEqual(['sla_paused', 'sla_resumed']);

    // The API's snapshot from the row alone agrees with the reconciled one.
    const [p] = await t.db.withScope(Scope.tenant(tenantId), (tx) => listSlaPolicies(tx, tenantId));
    const fields = { createdAt: r.created_at, status: r.status, acknowledgedAt: r.acknowledged_at, resolvedAt: r.resolved_at, pausedSince: r.paused_since, pausedSeconds: r.paused_seconds };
    expect(incidentSlaSnapshot(fields, p, new Date(T0.getTime() + 41 * MIN))).toEqual(resumed.sla);

    await setStatus(id, 'RESOLVED', new Date(T0.getTime() + 70 * MIN), `, resolved_at = '${new Date(T0.getTime() + 70 * MIN).toISOString()}'`);
    await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 71 * MIN) });
    expect((await row(id)).time_to_resolve_seconds).toBe(40 * 60); // 70 minutes less 30 paused
  });

  it('warns at 80 % and breaches at the due time, each once, also when the delayed job never ran', async () => {
    await policy();
    const id = await incident();
    const opened = await reconcileIncident(t.db, tenantId, id, { now: T0 });
    expect(opened.nextCheckAt).toEqual(new Date(T0.getTime() + 8 * MIN)); // the warning instant

    const warn = await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 8 * MIN) });
    expect(warn.notifications.map((n) => [n.type, n.clock])).toEqual([['sla.warning', 'acknowledge']]);
    expect((await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 9 * MIN) })).notifications).toEqual([]);

    // The breach job at +10 min is lost (worker killed); the sweeper finds it.
    const { queues, added } = fakeQueues();
    const sweep = await sweepSla(t.db, queues, { now: new Date(T0.getTime() + 10 * MIN + 5000) });
    expect(sweep.outcomes.filter((o) => o.incidentId === id).flatMap((o) => o.notifications.map((n) => n.type))).toEqual(['sla.breached']);
    expect(added.some((a) => a.queue === 'sla' && (a.data as { incidentId: string }).incidentId === id)).toBe(true); // next: resolve warning
    const again = await sweepSla(t.db, queues, { now: new Date(T0.getTime() + 10 * MIN + 6000) });
    expect(again.outcomes.flatMap((o) => o.notifications)).toEqual([]);

    const rows = await activities(id, ['sla_warning', 'sla_breached']);
    expect(rows.map((a: { kind: string; data: { clock: string } }) => [a.kind, a.data.clock])).toEqual([
      ['sla_warning', 'acknowledge'],
      ['sla_breached', 'acknowledge'],
    ]);
    const r = await row(id);
    expect(r.acknowledge_warned_at).toEqual(new Date(T0.getTime() + 8 * MIN));
    expect(r.acknowledge_breached_at).toEqual(new Date(T0.getTime() + 10 * MIN + 5000));
  });

  it('a delayed job and the sweeper running at once still record one breach', async () => {
    await policy();
    const id = await incident();
    await reconcileIncident(t.db, tenantId, id, { now: T0 });
    const at = new Date(T0.getTime() + 61 * MIN);
    const { queues } = fakeQueues();
    const [job, sweep] = await Promise.all([reconcileIncident(t.db, tenantId, id, { now: at }), sweepSla(t.db, queues, { now: at })]);
    const sent = [...job.notifications, ...sweep.outcomes.filter((o) => o.incidentId === id).flatMap((o) => o.notifications)];
    expect(sent.map((n) => `${n.clock}:${n.type}`).sort()).toEqual(['acknowledge:sla.breached', 'resolve:sla.breached']);
    expect(await activities(id, ['sla_breached'])).toHaveLength(2);
  });

  it('re-targets on a severity change, measured from creation', async () => {
    await policy();
    await policy({ severity: 'CRITICAL', acknowledgeMinutes: 5, resolveMinutes: 30 });
    const id = await incident();
    await reconcileIncident(t.db, tenantId, id, { now: T0 });
    await t.owner.query(`UPDATE incidents SET severity = 'CRITICAL' WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    // Seven minutes in: the 5-minute acknowledge target of CRITICAL is already breached.
    const o = await reconcileIncident(t.db, tenantId, id, { now: new Date(T0.getTime() + 7 * MIN), event: { type: 'incident.severity_changed', at: new Date(T0.getTime() + 7 * MIN) } });
    expect(o.sla!.acknowledgeDueAt).toEqual(new Date(T0.getTime() + 5 * MIN));
    expect(o.sla!.acknowledgeBreached).toBe(true);
    expect(o.notifications.map((n) => n.type)).toEqual(['sla.breached']);
    expect((await activities(id, ['sla_retargeted']))).toHaveLength(1);
    expect((await row(id)).sla_policy_version).toBe(1);
  });

  it('measures time to acknowledge in business hours', async () => {
    await policy({ acknowledgeMinutes: 60, resolveMinutes: 480, calendar: { timezone: 'Europe/Berlin', businessHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday: weekday as 1, start: '09:00', end: '17:00' })) } });
    const created = new Date('2026-11-27T15:30:00Z'); // Friday 16:30 in Berlin
    const id = await incident({ createdAt: created });
    const o = await reconcileIncident(t.db, tenantId, id, { now: created });
    // 30 business minutes left on Friday, the other 30 on Monday morning.
    expect(o.sla!.acknowledgeDueAt).toEqual(new Date('2026-11-30T08:30:00Z'));
    const ack = new Date('2026-11-30T08:30:00Z'); // Monday 09:30 Berlin
    await setStatus(id, 'ACKNOWLEDGED', ack, `, acknowledged_at = '${ack.toISOString()}'`);
    await reconcileIncident(t.db, tenantId, id, { now: ack, event: { type: 'incident.acknowledged', at: ack } });
    const r = await row(id);
    expect(r.time_to_acknowledge_seconds).toBe(60 * 60);
    expect(r.acknowledge_breached_at).toBeNull(); // acknowledged exactly at the due instant: on time
  });
});
