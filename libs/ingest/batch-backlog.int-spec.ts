import crypto from 'node:crypto';
import { metricsRegistry } from '@watchfloor/telemetry';
import { createTestDatabase, seedTenantWithSensor, type TestDatabase } from '../../test/harness';
import { readBatchBacklog, registerBatchBacklogMetrics } from './batch-backlog';

let t: TestDatabase;
const tenants: Array<{ tenantId: string; sensorId: string }> = [];

beforeAll(async () => {
  t = await createTestDatabase();
  for (const name of ['water', 'power']) tenants.push(await seedTenantWithSensor(t, name));
});
afterAll(async () => {
  await t.drop();
});

async function batch(tenant: { tenantId: string; sensorId: string }, status: string, ageSeconds: number): Promise<void> {
  await t.owner.query(
    `INSERT INTO ingest_batches (tenant_id, id, sensor_id, received_at, format, accepted, duplicates, rejected, status)
     VALUES ($1, $2, $3, now() - make_interval(secs => $4), 'zeek', 1, 0, 0, $5)`,
    [tenant.tenantId, crypto.randomUUID(), tenant.sensorId, ageSeconds, status],
  );
}

describe('detection backlog', () => {
  it('is empty with nothing pending, then counts PENDING and DETECTING batches of every tenant and ages the oldest', async () => {
    expect(await readBatchBacklog(t.db)).toEqual({ pending: 0, oldestPendingSeconds: 0 });
    const [water, power] = tenants;
    await batch(water, 'DONE', 3600);
    await batch(water, 'FAILED', 7200);
    await batch(water, 'PENDING', 30);
    await batch(power, 'DETECTING', 600);
    const backlog = await readBatchBacklog(t.db);
    expect(backlog.pending).toBe(2);
    expect(backlog.oldestPendingSeconds).toBeGreaterThanOrEqual(600);
    expect(backlog.oldestPendingSeconds).toBeLessThan(660);

    registerBatchBacklogMetrics(t.db);
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/^watchfloor_ingest_batches_pending(\{[^}]*\})? 2$/m);
    const age = Number(/^watchfloor_ingest_oldest_pending_batch_seconds(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(600);
  });
});
