// Test kit for the ingest integration tests: the real app on a free port, a scratch database and
// Redis prefix, one tenant with one sensor and its key. Not used by the running app.
import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type IngestConfig, ingestSchema, loadConfig } from '@watchfloor/config';
import { queueConnection, type DetectJobData } from '@watchfloor/queue';
import { createSensorWithKey, type SensorKind } from '@watchfloor/sensors';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { bootstrapIngest, listeningPort } from './bootstrap';

export interface TestIngest {
  t: TestDatabase;
  r: TestRedis;
  app: NestFastifyApplication;
  config: IngestConfig;
  base: string;
  tenantId: string;
  sensorId: string;
  key: string;
  queue: Queue<DetectJobData>;
  post(body: string | Buffer, options?: { contentType?: string; headers?: Record<string, string>; query?: string; key?: string | null }): Promise<{ status: number; body: any; headers: Headers }>;
  eventCount(): Promise<number>;
  addSensor(kind?: SensorKind): Promise<{ sensorId: string; key: string }>;
  close(): Promise<void>;
}

export async function startTestIngest(env: Record<string, string> = {}): Promise<TestIngest> {
  const t = await createTestDatabase({ poolSize: 2 });
  const r = await createTestRedis();
  const prefix = r.queuePrefix;
  const config: IngestConfig = {
    ...loadConfig(ingestSchema, { DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '4', ...env }),
    INGEST_PORT: 0,
  };
  const app = await bootstrapIngest(config, { shutdownHooks: false, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${listeningPort(app)}`;
  const tenantId = crypto.randomUUID();
  await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Plant', $2)`, [tenantId, `plant-${tenantId.slice(0, 8)}`]);
  let sensorNo = 0;
  const addSensor = async (kind: SensorKind = 'SURICATA') =>
    t.db.withScope(Scope.tenant(tenantId), async (tx) => {
      const { sensor, apiKey } = await createSensorWithKey(tx, { tenantId, name: `sensor-${++sensorNo}`, kind });
      return { sensorId: sensor.id, key: apiKey };
    });
  const first = await addSensor();
  const queue = new Queue<DetectJobData>('detect', { connection: queueConnection(r.url), prefix });
  return {
    t,
    r,
    app,
    config,
    base,
    tenantId,
    sensorId: first.sensorId,
    key: first.key,
    queue,
    addSensor,
    async post(body, options = {}) {
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/x-ndjson', ...options.headers };
      const key = options.key === undefined ? first.key : options.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      const res = await fetch(`${base}/v1/events${options.query ?? ''}`, { method: 'POST', headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // leave as text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async eventCount() {
      const [row] = await t.owner.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1`, [tenantId]);
      return row.n as number;
    },
    async close() {
      await app.close().catch(() => undefined);
      await queue.close();
      await r.cleanup();
      await t.drop();
    },
  };
}

/** A Suricata EVE alert `secondsAgo` before now; distinct per n. */
export function eveAlert(n: number, secondsAgo = n): Record<string, unknown> {
  return {
    timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
    flow_id: 1_000_000 + n,
    event_type: 'alert',
    src_ip: '10.10.0.5',
    src_port: 40000 + (n % 20000),
    dest_ip: '10.30.0.11',
    dest_port: 502,
    proto: 'TCP',
    alert: { action: 'allowed', gid: 1, signature_id: 2_000_000 + n, rev: 1, signature: `ET TEST modbus write ${n}`, category: 'Attempted Administrator Privilege Gain', severity: 1 },
  };
}

export function ndjson(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
