/**
 * API read benchmark: seeds a scratch database (1M events, 100k alerts, 20k incidents over 50
 * tenants, set-based SQL), boots the API, and measures p50/p95 of the incident list (first 50,
 * filtered by status and severity) and the incident detail through GraphQL over HTTP, against the
 * same reads run directly in SQL on one connection, in the same run.
 *
 *   node dist/bench/api.bench.js [--events 1000000] [--iterations 300] [--keep]
 */
import 'reflect-metadata';
import crypto from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import pino from 'pino';
import { apiSchema, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../libs/config';
import { applyMigrations, createDataSource } from '../libs/db';
import { ensureLocalServices, withDatabase } from '../libs/devstack';
import { createHttpApp } from '../libs/health';
import { hashPassword } from '../libs/auth';
import { ApiAppModule } from '../apps/api/api-app.module';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const TENANTS = 50;
const EVENTS = arg('events', 1_000_000);
const INCIDENTS_PER_TENANT = 400;
const ALERTS_PER_INCIDENT = 5;
const ITERATIONS = arg('iterations', 300);
const STATUSES = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'AWAITING_CUSTOMER', 'CONTAINED', 'RESOLVED', 'CLOSED', 'FALSE_POSITIVE'];
const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const PASSWORD = 'bench password of some length';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(label: string, iterations: number, run: (i: number) => Promise<void>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < Math.min(30, iterations); i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await run(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const r = { p50: percentile(times, 50), p95: percentile(times, 95) };
  console.log(`${label.padEnd(28)} p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms`);
  return r;
}

async function seed(c: Client): Promise<void> {
  const t0 = Date.now();
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const s = Date.now();
    await c.query(sql, params);
    console.log(`  seed ${what.padEnd(22)} ${((Date.now() - s) / 1000).toFixed(1)} s`);
  };
  await step('tenants', `INSERT INTO tenants (name, slug) SELECT 'Bench tenant ' || g, 'bench-' || g FROM generate_series(1, ${TENANTS}) g`);
  await step('users', `INSERT INTO users (email, display_name, password_hash, role)
    SELECT 'analyst' || g || '@bench.test', 'Analyst ' || g, 'x', 'SOC_ANALYST' FROM generate_series(1, 10) g`);
  await step('memberships', `INSERT INTO memberships (tenant_id, user_id) SELECT t.id, u.id FROM tenants t, users u`);
  await step('sensors', `INSERT INTO sensors (tenant_id, name, kind) SELECT id, 'zeek-span', 'ZEEK' FROM tenants`);
  await step('batches', `INSERT INTO ingest_batches (tenant_id, id, sensor_id, format, accepted) SELECT tenant_id, gen_random_uuid(), id, 'zeek', 1 FROM sensors`);
  await step('zones', `INSERT INTO zones (tenant_id, name, purdue_level, cidrs) SELECT id, 'Control', 1, '{10.30.0.0/16}' FROM tenants`);
  await step('assets', `INSERT INTO assets (tenant_id, name, ip, purdue_level, criticality, zone_id)
    SELECT z.tenant_id, 'PLC-' || g, ('10.30.0.' || g)::inet, 1, 'HIGH', z.id FROM zones z, generate_series(1, 20) g`);
  await c.query(`SELECT wf_ensure_event_partition((current_date - d)::date) FROM generate_series(0, 3) d`);
  const perTenant = Math.ceil(EVENTS / TENANTS);
  const s = Date.now();
  for (let chunk = 0; chunk < TENANTS; chunk += 10) {
    await c.query(
      `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, severity,
         src_ip, src_port, dst_ip, dst_port, transport, app_protocol, ot_protocol, message, raw)
       SELECT s.tenant_id, gen_random_uuid(), now() - ((g * 7919) % 259200) * interval '1 second', now(), s.id, b.id, 'zeek', 'zeek', 'conn', 'flow', g % 5,
         ('10.10.' || (g % 250) || '.' || (g % 200))::inet, 1024 + g % 60000, '10.30.0.11'::inet, 502, 'tcp', 'modbus', 'modbus', 'flow ' || g,
         jsonb_build_object('uid', 'C' || g, 'id.orig_h', '10.10.0.1', 'proto', 'tcp', 'service', 'modbus')
       FROM (SELECT * FROM sensors ORDER BY tenant_id OFFSET $1 LIMIT 10) s JOIN ingest_batches b ON b.tenant_id = s.tenant_id AND b.sensor_id = s.id,
            generate_series(1, $2) g`,
      [chunk, perTenant],
    );
  }
  console.log(`  seed ${'events'.padEnd(22)} ${((Date.now() - s) / 1000).toFixed(1)} s (${perTenant * TENANTS} rows)`);
  await step('incidents', `INSERT INTO incidents (tenant_id, title, summary, status, severity, assignee_id, grouping_key, window_started_at, last_alert_at,
      alert_count, techniques, asset_ids, created_at, updated_at)
    SELECT t.id, 'Unexpected Modbus write ' || g, 'Writes to holding registers from 10.10.0.' || (g % 250),
      (ARRAY['${STATUSES.join("','")}'])[1 + (g * 7) % 8], (ARRAY['${SEVERITIES.join("','")}'])[1 + (g * 3) % 5],
      u.ids[1 + g % 10], 'k-' || g, now(), now(), ${ALERTS_PER_INCIDENT}, '{T0855,T0836}', ARRAY[a.ids[1 + g % 20], a.ids[1 + (g + 7) % 20]],
      now() - g * interval '97 seconds', now() - g * interval '90 seconds'
    FROM tenants t
    CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY name) AS ids FROM assets WHERE tenant_id = t.id) a
    CROSS JOIN (SELECT array_agg(id ORDER BY email) AS ids FROM users) u,
    generate_series(1, ${INCIDENTS_PER_TENANT}) g`);
  await step('event sample', `CREATE TEMP TABLE bench_events AS
    SELECT tenant_id, id, ts, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS n FROM (
      SELECT e.tenant_id, e.id, e.ts FROM tenants t CROSS JOIN LATERAL (SELECT tenant_id, id, ts FROM events WHERE tenant_id = t.id ORDER BY ts DESC LIMIT 2000) e) x;
    CREATE INDEX ON bench_events (tenant_id, n)`);
  await step('alerts', `INSERT INTO alerts (tenant_id, dedup_key, rule_kind, rule_ref, rule_title, rule_author, severity, event_id, event_ts, event_ids,
      src_ip, dst_ip, techniques, grouping_key, incident_id, details, created_at)
    SELECT i.tenant_id, i.id || ':' || k, 'SIGMA', 'sigma-' || k, 'Modbus write to PLC ' || k, 'Watchfloor bench', i.severity, e.id, e.ts, ARRAY[e.id],
      '10.10.0.5', '10.30.0.11', '{T0855}', i.grouping_key, i.id, '{"matched": "func=6"}', i.created_at + k * interval '1 second'
    FROM incidents i CROSS JOIN generate_series(1, ${ALERTS_PER_INCIDENT}) k
    JOIN bench_events e ON e.tenant_id = i.tenant_id AND e.n = 1 + (i.number * ${ALERTS_PER_INCIDENT} + k) % 2000`);
  await step('incident_alerts', `INSERT INTO incident_alerts (tenant_id, incident_id, alert_id) SELECT tenant_id, incident_id, id FROM alerts`);
  await step('activity', `INSERT INTO incident_activity (tenant_id, incident_id, kind, body, visibility, actor_id, actor_kind, created_at)
    SELECT i.tenant_id, i.id, x.kind, x.body, x.visibility, CASE WHEN x.kind = 'created' THEN NULL ELSE i.assignee_id END,
      CASE WHEN x.kind = 'created' THEN 'system' ELSE 'user' END, i.created_at + x.k * interval '1 minute'
    FROM incidents i CROSS JOIN (VALUES (0, 'created', 'Incident opened', 'CUSTOMER'), (1, 'comment', 'Checked the PLC change log', 'INTERNAL'),
      (2, 'status_changed', 'Status changed from NEW to ACKNOWLEDGED', 'CUSTOMER')) AS x(k, kind, body, visibility)`);
  await step('analyze', `ANALYZE`);
  console.log(`  seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const services = await ensureLocalServices({
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL || DEFAULT_REDIS_URL,
    dataDir: path.resolve(__dirname, '../../.data'),
  });
  const server = withDatabase(services.databaseUrl, 'postgres');
  const name = `wf_bench_api_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(services.databaseUrl, name);
  let app: Awaited<ReturnType<typeof createHttpApp>> | null = null;
  const direct = new Client({ connectionString: url });
  try {
    const ds = createDataSource({ url, poolSize: 2 });
    await ds.initialize();
    await applyMigrations(ds);
    await ds.destroy();
    await direct.connect();
    console.log(`api bench: seeding ${name}`);
    await seed(direct);
    const hash = await hashPassword(PASSWORD);
    const [lead] = (await direct.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ('lead@bench.test', 'Lead', $1, 'SOC_LEAD') RETURNING id`, [hash])).rows;
    await direct.query(`INSERT INTO memberships (tenant_id, user_id) SELECT id, $1 FROM tenants`, [lead.id]);
    const tenantIds: string[] = (await direct.query(`SELECT id FROM tenants ORDER BY id`)).rows.map((r: { id: string }) => r.id);
    const sampleIds: string[] = (await direct.query(`SELECT id FROM incidents ORDER BY md5(id::text) LIMIT 500`)).rows.map((r: { id: string }) => r.id);

    const config = apiSchema.parse({ NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL: services.redisUrl, LOG_LEVEL: 'silent', JWT_SECRET: crypto.randomBytes(32).toString('hex'), WATCHFLOOR_SECRET_KEY: 'x'.repeat(32), DATABASE_POOL_SIZE: '10' });
    const logger = pino({ level: 'silent' });
    app = await createHttpApp(ApiAppModule.forRoot(config, { schemaFile: false, logger, redisKeyPrefix: `wf-bench-${name}:` }), { service: 'api-bench', logger, shutdownHooks: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const endpoint = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/graphql`;
    const gql = async (token: string | null, query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const token = (await gql(null, `mutation($p: String!) { login(email: "lead@bench.test", password: $p) { accessToken } }`, { p: PASSWORD })).login.accessToken as string;

    const filters = [
      { status: ['NEW', 'ACKNOWLEDGED'], severity: ['HIGH', 'CRITICAL'] },
      { status: ['INVESTIGATING'], severity: ['MEDIUM', 'HIGH', 'CRITICAL'] },
      { status: ['NEW'], severity: ['CRITICAL'] },
      { status: ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'AWAITING_CUSTOMER', 'CONTAINED'], severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] },
    ];
    const LIST = `query($f: IncidentFilter) { incidents(first: 50, filter: $f) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id number title status severity createdAt alertCount assignee { displayName } tenant { name } } } } }`;
    const DETAIL = `query($id: ID!) { incident(id: $id) { id number title summary status severity createdAt acknowledgedAt resolvedAt version techniques alertCount
      assignee { displayName } tenant { name } alerts { id ruleTitle ruleAuthor severity createdAt srcIp dstIp }
      events { id ts srcIp dstIp dstPort otProtocol } assets { id name ip criticality } timeline { kind body visibility createdAt actor { displayName } } } }`;

    const check = await gql(token, LIST, { f: filters[0] });
    console.log(`  list sample: ${check.incidents.edges.length} of ${check.incidents.totalCount}`);

    // The floor: HTTP + GraphQL + auth with no data read, to separate transport cost from queries.
    await measure('api floor (me)', ITERATIONS, async () => void (await gql(token, `{ me { id } }`)));
    const apiList = await measure('api incidents (GraphQL)', ITERATIONS, async (i) => void (await gql(token, LIST, { f: filters[i % filters.length] })));
    const apiDetail = await measure('api detail (GraphQL)', ITERATIONS, async (i) => void (await gql(token, DETAIL, { id: sampleIds[i % sampleIds.length] })));

    // The same reads straight in SQL on one connection (owner, no RLS, no HTTP, no GraphQL).
    const sqlList = await measure('direct SQL incidents', ITERATIONS, async (i) => {
      const f = filters[i % filters.length];
      await direct.query(`SELECT count(*) FROM incidents WHERE tenant_id = ANY($1::uuid[]) AND status = ANY($2) AND severity = ANY($3)`, [tenantIds, f.status, f.severity]);
      const page = await direct.query(
        `SELECT i.id, i.number, i.title, i.status, i.severity, i.created_at, i.alert_count, i.assignee_id, i.tenant_id FROM incidents i
         WHERE i.tenant_id = ANY($1::uuid[]) AND i.status = ANY($2) AND i.severity = ANY($3) ORDER BY i.created_at DESC, i.id DESC LIMIT 51`,
        [tenantIds, f.status, f.severity],
      );
      await direct.query(`SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])`, [[...new Set(page.rows.map((r) => r.assignee_id))]]);
      await direct.query(`SELECT id, name FROM tenants WHERE id = ANY($1::uuid[])`, [[...new Set(page.rows.map((r) => r.tenant_id))]]);
    });
    const sqlDetail = await measure('direct SQL detail', ITERATIONS, async (i) => {
      const { rows: [inc] } = await direct.query(`SELECT * FROM incidents WHERE id = $1`, [sampleIds[i % sampleIds.length]]);
      const alerts = await direct.query(
        `SELECT a.* FROM incident_alerts ia JOIN alerts a ON a.tenant_id = ia.tenant_id AND a.id = ia.alert_id WHERE ia.tenant_id = $1 AND ia.incident_id = $2 ORDER BY a.created_at DESC LIMIT 100`,
        [inc.tenant_id, inc.id],
      );
      await direct.query(`SELECT * FROM events WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [inc.tenant_id, alerts.rows.flatMap((a) => a.event_ids)]);
      await direct.query(`SELECT * FROM assets WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [inc.tenant_id, inc.asset_ids]);
      await direct.query(`SELECT * FROM incident_activity WHERE tenant_id = $1 AND incident_id = $2 ORDER BY created_at`, [inc.tenant_id, inc.id]);
      await direct.query(`SELECT id, display_name FROM users WHERE id = $1`, [inc.assignee_id]);
      await direct.query(`SELECT id, name FROM tenants WHERE id = $1`, [inc.tenant_id]);
    });
    const ratio = (apiList.p95 + apiDetail.p95) / (sqlList.p95 + sqlDetail.p95);
    console.log(`  incidents ${(apiList.p95 / sqlList.p95).toFixed(1)} × direct SQL, detail ${(apiDetail.p95 / sqlDetail.p95).toFixed(1)} × direct SQL (p95)`);
    console.log(`api: incidents p95 ${apiList.p95.toFixed(1)} ms, detail p95 ${apiDetail.p95.toFixed(1)} ms, ${ratio.toFixed(1)} × direct SQL`);
  } finally {
    if (app) await app.close();
    await direct.end().catch(() => undefined);
    if (!process.argv.includes('--keep')) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    else console.log(`  kept database ${name}`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(`api bench failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
