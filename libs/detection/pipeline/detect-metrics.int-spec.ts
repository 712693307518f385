// Detection metrics count what a batch's committed transaction wrote: a re-run of the batch adds nothing.
import { metricsRegistry } from '@watchfloor/telemetry';
import { testDetector } from '../../../test/detector';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../../test/harness';
import { allowedRecords, attackRecords, insertZeekBatch, seedPlant } from './__fixtures__/plant';

async function sum(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

describe('detection metrics', () => {
  let t: TestDatabase;
  let r: TestRedis;
  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
  });
  afterAll(async () => {
    await r.cleanup();
    await t.drop();
  });

  it('count rules evaluated, alerts by severity and incidents opened once per committed batch', async () => {
    const detector = await testDetector(t, r);
    const plant = await seedPlant(t.owner);
    const start = new Date(Date.now() - 10 * 60_000);
    const { batchId } = await insertZeekBatch(t.db, plant, [...attackRecords(start), ...allowedRecords(start)]);
    const result = await detector.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date() });
    expect(result.status).toBe('done');

    const alerts: { severity: string; n: number }[] = await t.owner.query(`SELECT severity, count(*)::int AS n FROM alerts WHERE tenant_id = $1 GROUP BY 1`, [plant.tenantId]);
    for (const a of alerts) expect({ severity: a.severity, counted: await sum('watchfloor_alerts_created_total', { tenant: plant.tenantId, severity: a.severity }) }).toEqual({ severity: a.severity, counted: a.n });
    expect(await sum('watchfloor_alerts_created_total', { tenant: plant.tenantId })).toBe(result.alertsInserted);
    expect(await sum('watchfloor_incidents_created_total', { tenant: plant.tenantId, severity: 'CRITICAL' })).toBe(1);
    const sigma = await sum('watchfloor_detection_rules_evaluated_total', { kind: 'sigma' });
    const ot = await sum('watchfloor_detection_rules_evaluated_total', { kind: 'ot' });
    // Every event is evaluated against every rule: a multiple of the event count.
    expect(sigma).toBeGreaterThan(0);
    expect(sigma % result.events).toBe(0);
    expect(ot % result.events).toBe(0);
    expect(ot).toBeGreaterThan(0);

    // The same batch again (forced): nothing new is written, nothing more is counted as created.
    const again = await detector.detectBatch({ tenantId: plant.tenantId, batchId, now: new Date(), force: true });
    expect(again.alertsInserted).toBe(0);
    expect(await sum('watchfloor_alerts_created_total', { tenant: plant.tenantId })).toBe(result.alertsInserted);
    expect(await sum('watchfloor_incidents_created_total', { tenant: plant.tenantId })).toBe(1);
    expect(await sum('watchfloor_detection_rules_evaluated_total', { kind: 'sigma' })).toBe(2 * sigma);
  });
});
