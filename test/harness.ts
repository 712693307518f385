import crypto from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@watchfloor/db';
import { withDatabase } from '@watchfloor/devstack';
import { createSensorWithKey, type SensorKind } from '@watchfloor/sensors';
import { Scope, TenantDb } from '@watchfloor/tenancy';

/**
 * Integration-test isolation: each test file gets its own database cloned from the migrated
 * template (test/global-setup.ts) and its own Redis key prefix, so files run in parallel.
 */
export interface TestDatabase {
  name: string;
  url: string;
  /** Owner connection: for arranging fixtures and inspecting what the application did. */
  owner: DataSource;
  db: TenantDb;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.WF_TEST_SERVER_URL;
  if (!url) throw new Error('WF_TEST_SERVER_URL is not set: run tests through jest (test/global-setup.ts)');
  return url;
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `wf_t_${Math.floor(Date.now() / 1000)}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.WF_TEST_TEMPLATE_DB}`);
        break;
      } catch (err) {
        if (attempt > 20 || (err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl(), name);
  const owner = createDataSource({ url, poolSize: options.poolSize ?? 4, applicationName: 'watchfloor-test' });
  await owner.initialize();
  return {
    name,
    url,
    owner,
    db: new TenantDb(owner),
    async drop() {
      if (owner.isInitialized) await owner.destroy();
      const c = new Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestRedis {
  prefix: string;
  /** The BullMQ prefix for this file's queues: `{prefix}`, braces keep a queue in one Cluster slot. */
  queuePrefix: string;
  url: string;
  redis: Redis;
  cleanup(): Promise<void>;
}

/** A Redis connection plus a key prefix of this test file's own; cleanup deletes its keys. */
export async function createTestRedis(): Promise<TestRedis> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `wf-test-${crypto.randomBytes(5).toString('hex')}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  return {
    prefix,
    queuePrefix: `{${prefix}}`,
    url,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** A tenant named `name` (slug made unique) with one sensor, for tests that ingest or read events. */
export async function seedTenantWithSensor(
  t: Pick<TestDatabase, 'owner' | 'db'>,
  name: string,
  sensor: { name?: string; kind?: SensorKind } = {},
): Promise<{ tenantId: string; sensorId: string; apiKey: string }> {
  const tenantId = crypto.randomUUID();
  await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)`, [tenantId, name, `${name}-${tenantId.slice(0, 8)}`]);
  const created = await t.db.withScope(Scope.tenant(tenantId), (tx) => createSensorWithKey(tx, { tenantId, name: sensor.name ?? 's', kind: sensor.kind ?? 'ZEEK' }));
  return { tenantId, sensorId: created.sensor.id, apiKey: created.apiKey };
}

export { withDatabase };
