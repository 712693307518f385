// The SLA counters count each warning and breach once, after the reconcile that recorded it.
import crypto from 'node:crypto';
import { INCIDENT_EVENT_JOB } from '@watchfloor/queue';
import { SLA_CHECK_JOB, upsertSlaPolicy, type SlaQueues } from '@watchfloor/sla';
import { metricsRegistry } from '@watchfloor/telemetry';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { handleSlaJob } from './sla.processor';

const MIN = 60_000;

async function value(name: string, clock: string): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  const data = await metric!.get();
  return data.values.find((v) => v.labels.clock === clock)?.value ?? NaN;
}

describe('SLA warning and breach counters', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('start at 0 for both clocks, count a warning and a breach once each, not again on the next check', async () => {
    for (const clock of ['acknowledge', 'resolve']) {
      expect(await value('watchfloor_sla_warnings_total', clock)).toBe(0);
      expect(await value('watchfloor_sla_breaches_total', clock)).toBe(0);
    }
    const tenantId = crypto.randomUUID();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Stadtwerke Nord', $2)`, [tenantId, `sw-${tenantId.slice(0, 8)}`]);
    await t.db.withScope(Scope.tenant(tenantId), (tx) => upsertSlaPolicy(tx, { tenantId, severity: 'HIGH', acknowledgeMinutes: 10, resolveMinutes: 60 }));
    const t0 = Date.now();
    const created = new Date(t0 - 9 * MIN);
    const incidentId = crypto.randomUUID();
    await t.owner.query(
      `INSERT INTO incidents (tenant_id, id, title, severity, status, grouping_key, window_started_at, last_alert_at, created_at, updated_at)
       VALUES ($1, $2, 'Unexpected Modbus write to PLC-7', 'HIGH', 'NEW', $3, $4, $4, $4, $4)`,
      [tenantId, incidentId, `k-${incidentId}`, created],
    );
    const queue = { add: async () => undefined, addBulk: async () => [] };
    let now = new Date(t0);
    const deps = { db: t.db, queues: { sla: queue, deliver: queue } as unknown as SlaQueues, now: () => now, incidentLink: (id: string) => `http://x/${id}` };
    const check = () => handleSlaJob(deps, { name: SLA_CHECK_JOB, data: { tenantId, incidentId, at: now.toISOString() } });
    // 9 of 10 minutes: past the 80 % warning of the acknowledge clock, not yet breached.
    await handleSlaJob(deps, { name: INCIDENT_EVENT_JOB, data: { tenantId, incidentId, type: 'incident.opened', version: 1, at: created.toISOString() } });
    expect([await value('watchfloor_sla_warnings_total', 'acknowledge'), await value('watchfloor_sla_breaches_total', 'acknowledge')]).toEqual([1, 0]);
    await check();
    expect([await value('watchfloor_sla_warnings_total', 'acknowledge'), await value('watchfloor_sla_breaches_total', 'acknowledge')]).toEqual([1, 0]);
    // 11 minutes: breached, once.
    now = new Date(t0 + 2 * MIN);
    await check();
    await check();
    expect([await value('watchfloor_sla_warnings_total', 'acknowledge'), await value('watchfloor_sla_breaches_total', 'acknowledge')]).toEqual([1, 1]);
    expect([await value('watchfloor_sla_warnings_total', 'resolve'), await value('watchfloor_sla_breaches_total', 'resolve')]).toEqual([0, 0]);
  });
});
