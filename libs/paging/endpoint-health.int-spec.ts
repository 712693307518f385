import crypto from 'node:crypto';
import { metricsRegistry } from '@watchfloor/telemetry';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { countWebhookEndpointsByState, registerWebhookEndpointMetrics } from './endpoint-health';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function endpoint(tenantId: string, enabled: boolean, circuit: Record<string, unknown>): Promise<void> {
  await t.owner.query(`INSERT INTO webhook_endpoints (tenant_id, name, kind, url, enabled, circuit) VALUES ($1, $2, 'STANDARD', 'https://hooks.example.com/x', $3, $4)`, [
    tenantId,
    `ep-${crypto.randomBytes(3).toString('hex')}`,
    enabled,
    JSON.stringify(circuit),
  ]);
}

describe('webhook endpoint health', () => {
  it('counts endpoints of every tenant as ok, circuit_open, half_open or disabled', async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    for (const [i, id] of ids.entries()) await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)`, [id, `t${i}`, `t${i}-${id.slice(0, 8)}`]);
    const now = Date.now();
    await endpoint(ids[0], true, { consecutiveFailures: 0, openUntil: null, openCount: 0 });
    await endpoint(ids[1], true, { state: 'closed', failures: 0 }); // the column's default shape
    await endpoint(ids[0], true, { consecutiveFailures: 5, openUntil: now + 600_000, openCount: 1 });
    await endpoint(ids[1], true, { consecutiveFailures: 5, openUntil: now - 1000, openCount: 1 });
    await endpoint(ids[1], false, { consecutiveFailures: 0, openUntil: null, openCount: 0 });
    expect(await countWebhookEndpointsByState(t.db)).toEqual({ ok: 2, circuit_open: 1, half_open: 1, disabled: 1 });

    registerWebhookEndpointMetrics(t.db);
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/^watchfloor_webhook_endpoints\{state="circuit_open"\} 1$/m);
    expect(text).toMatch(/^watchfloor_webhook_endpoints\{state="disabled"\} 1$/m);
    expect(text).toMatch(/^watchfloor_webhook_endpoints\{state="ok"\} 2$/m);
  });
});
