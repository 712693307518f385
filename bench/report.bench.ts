import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@watchfloor/config';
import { applyMigrations, createDataSource, ensureDatabase } from '@watchfloor/db';
import { ensureLocalServices, withDatabase } from '@watchfloor/devstack';
import { generateReport, tenantSummary } from '@watchfloor/reporting';
import { Scope, TenantDb, type ScopedTx } from '@watchfloor/tenancy';

/**
 * `npm run bench:report`: a scratch database with one tenant holding BENCH_INCIDENTS incidents
 * (default 100k) in a 30-day period, BENCH_ALERTS alerts and BENCH_EVENTS events (default 2M)
 * from five sensors; then generateReport (summary, CSV, PDF, JSON) with RSS sampled every 50 ms.
 * Target: under 60 s. BENCH_KEEP=1 keeps the database; BENCH_PDF=<file> writes the PDF out.
 */
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const ALERTS = Number(process.env.BENCH_ALERTS ?? 200_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
/** Events of a second tenant interleaved in time, so the report reads a shared table as in production. */
const OTHER_EVENTS = Number(process.env.BENCH_OTHER_TENANT_EVENTS ?? 0);
const FROM = new Date('2026-10-31T23:00:00Z');
const TO = new Date('2026-11-30T23:00:00Z');
const TZ = 'Europe/Berlin';

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const secs = (ms: number) => (ms / 1000).toFixed(1);

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  console.log(`bench: ${label} in ${secs(Date.now() - started)} s`);
  return result;
}

interface EventSource {
  tenantId: string;
  sensorIds: string[];
  batchId: string;
}

async function eventSource(db: TenantDb, tenantId: string): Promise<EventSource> {
  return db.withScope(Scope.tenant(tenantId), async (tx) => {
    const sensors = await tx.query<{ id: string }>(`SELECT id FROM sensors WHERE tenant_id = $1 ORDER BY name`, [tenantId]);
    const batchId = crypto.randomUUID();
    await tx.query(`INSERT INTO ingest_batches (tenant_id, id, sensor_id, format, accepted) VALUES ($1, $2, $3, 'bench', 0)`, [tenantId, batchId, sensors[0].id]);
    return { tenantId, sensorIds: sensors.map((s) => s.id), batchId };
  });
}

/**
 * `own` events of the first source and `other` of the second, interleaved row by row in time
 * order as concurrent ingest would write them, so the report's index scan meets foreign rows.
 */
async function seedEvents(db: TenantDb, own: EventSource, ownCount: number, other?: EventSource, otherCount = 0): Promise<void> {
  await db.withScope(Scope.tenant(own.tenantId), async (tx) => {
    for (let d = new Date(FROM.getTime() - 86_400_000); d <= TO; d = new Date(d.getTime() + 86_400_000)) {
      await tx.query(`SELECT wf_ensure_event_partition($1::date)`, [d.toISOString().slice(0, 10)]);
    }
  });
  const total = ownCount + otherCount;
  // Row g belongs to the other tenant unless g is a multiple of `stride` (stride 1: all ours).
  const stride = otherCount > 0 ? total / ownCount : 1;
  const scope = other ? Scope.tenants([own.tenantId, other.tenantId]) : Scope.tenant(own.tenantId);
  const chunk = 250_000;
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    await db.withScope(scope, (tx) =>
      tx.query(
        `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, severity, raw)
         SELECT CASE WHEN mine THEN $1::uuid ELSE $9::uuid END, gen_random_uuid(), t, t,
           CASE WHEN mine THEN ($5::uuid[])[1 + g % 4] ELSE ($10::uuid[])[1 + g % 4] END,
           CASE WHEN mine THEN $4::uuid ELSE $11::uuid END, 'bench', 'bench', 'conn', 'flow', g % 5, '{}'
         FROM generate_series($6::bigint, $6::bigint + $7 - 1) g,
           LATERAL (SELECT $2::timestamptz + ($3::timestamptz - $2::timestamptz) * (g::float8 / $8) AS t,
                           floor(g / $12::float8) <> floor((g - 1) / $12::float8) AS mine) tt`,
        [own.tenantId, FROM, TO, own.batchId, own.sensorIds, start, n, total, other?.tenantId ?? own.tenantId, other?.sensorIds ?? own.sensorIds, other?.batchId ?? own.batchId, stride],
      ),
    );
  }
}

async function seed(db: TenantDb, tenantId: string): Promise<void> {
  const scope = Scope.tenant(tenantId);
  await db.withScope(Scope.all('bench: create the tenant'), (tx) =>
    tx.query(`INSERT INTO tenants (id, name, slug, timezone) VALUES ($1, 'Bench Water Utility', $2, $3)`, [tenantId, `bench-${tenantId.slice(0, 8)}`, TZ]),
  );
  await db.withScope(scope, async (tx) => {
    await tx.query(
      `INSERT INTO zones (tenant_id, name, purdue_level) VALUES ($1, 'Enterprise', 4), ($1, 'DMZ', 3), ($1, 'Supervisory', 2), ($1, 'Control', 1), ($1, 'Safety', 0)`,
      [tenantId],
    );
    await tx.query(
      `INSERT INTO assets (tenant_id, name, ip, criticality, zone_id, purdue_level)
       SELECT $1, 'asset-' || lpad(g::text, 3, '0'), ('10.30.' || (g / 250) || '.' || (g % 250 + 1))::inet,
         (ARRAY['LOW','MEDIUM','MEDIUM','HIGH','CRITICAL'])[1 + g % 5],
         (SELECT id FROM zones WHERE tenant_id = $1 ORDER BY purdue_level OFFSET (g % 5) LIMIT 1), (g % 5)
       FROM generate_series(1, 200) g`,
      [tenantId],
    );
    await tx.query(
      `INSERT INTO asset_vulnerabilities (tenant_id, asset_id, cve, cvss, patch_state)
       SELECT $1, a.id, 'CVE-2025-' || lpad((1000 + row_number() OVER ())::text, 5, '0'), 7.5, (ARRAY['UNPATCHED','MITIGATED','PATCHED','UNPATCHED'])[1 + (row_number() OVER ())::int % 4]
       FROM assets a WHERE a.tenant_id = $1`,
      [tenantId],
    );
    await tx.query(
      `INSERT INTO sensors (tenant_id, name, kind, expected_interval_seconds, last_event_at, created_at)
       SELECT $1, 'sensor-' || g, (ARRAY['SURICATA','ZEEK','FIREWALL','OT_MONITOR','OT_MONITOR'])[g], 900,
         CASE WHEN g = 5 THEN $2::timestamptz - interval '2 days' ELSE $2::timestamptz - interval '1 minute' END, '2026-01-01'
       FROM generate_series(1, 5) g`,
      [tenantId, TO],
    );
  });
  await timed(`seeded ${INCIDENTS.toLocaleString('en-GB')} incidents`, () =>
    db.withScope(scope, (tx) =>
      tx.query(
        `WITH assets_arr AS (SELECT array_agg(id ORDER BY name) AS ids FROM assets WHERE tenant_id = $1),
         base AS (
           SELECT g, $2::timestamptz + ($3::timestamptz - $2::timestamptz) * (g::float8 / ($4 + 1)) AS c,
             (ARRAY['CRITICAL','HIGH','HIGH','MEDIUM','MEDIUM','MEDIUM','LOW','LOW','LOW','INFO'])[1 + (g * 7) % 10] AS sev,
             (ARRAY['RESOLVED','RESOLVED','CLOSED','FALSE_POSITIVE','INVESTIGATING','NEW','RESOLVED','CLOSED','AWAITING_CUSTOMER','ACKNOWLEDGED'])[1 + (g * 13) % 10] AS st,
             60 + (g * 37) % 1800 AS tta, 1800 + (g * 101) % 43200 AS ttr
           FROM generate_series(1, $4) g)
         INSERT INTO incidents (tenant_id, title, severity, status, grouping_key, window_started_at, last_alert_at, created_at, acknowledged_at, resolved_at,
           paused_seconds, time_to_acknowledge_seconds, time_to_resolve_seconds, acknowledge_due_at, resolve_due_at, acknowledge_breached_at, resolve_breached_at,
           techniques, asset_ids)
         SELECT $1, 'Unauthorized write to ' || (SELECT ids FROM assets_arr)[1 + g % 200]::text, sev, st, 'bench-' || g, c, c, c,
           CASE WHEN st <> 'NEW' THEN c + make_interval(secs => tta) END,
           CASE WHEN st IN ('RESOLVED','CLOSED','FALSE_POSITIVE') THEN c + make_interval(secs => ttr) END,
           CASE WHEN g % 4 = 0 THEN 600 ELSE 0 END,
           CASE WHEN g % 3 = 0 AND st <> 'NEW' THEN tta / 2 END,
           CASE WHEN g % 3 = 0 AND st IN ('RESOLVED','CLOSED','FALSE_POSITIVE') THEN ttr / 2 END,
           c + interval '15 minutes', c + interval '4 hours',
           CASE WHEN tta > 900 AND st <> 'NEW' THEN c + interval '15 minutes' END,
           CASE WHEN ttr > 14400 AND st IN ('RESOLVED','CLOSED','FALSE_POSITIVE') THEN c + interval '4 hours' END,
           ARRAY[(ARRAY['T0855','T0846','T0836','T0843','T0814','T0831','T0882','T0869','T0886','T1059'])[1 + (g * 3) % 10]],
           ARRAY[(SELECT ids FROM assets_arr)[1 + g % 200], (SELECT ids FROM assets_arr)[1 + (g * 7) % 200]]
         FROM base`,
        [tenantId, FROM, TO, INCIDENTS],
      ),
    ),
  );
  await timed(`seeded ${ALERTS.toLocaleString('en-GB')} alerts`, () =>
    db.withScope(scope, (tx) =>
      tx.query(
        `WITH assets_arr AS (SELECT array_agg(id ORDER BY name) AS ids FROM assets WHERE tenant_id = $1)
         INSERT INTO alerts (tenant_id, dedup_key, rule_kind, rule_ref, rule_title, rule_author, severity, event_ts, grouping_key, created_at, asset_ids, src_ip, dst_ip)
         SELECT $1, 'bench-' || g, 'SIGMA', r.ref, r.title, r.author, 'HIGH', t, 'g', t,
           ARRAY[(SELECT ids FROM assets_arr)[1 + g % 200]], '10.10.0.5', ('10.30.0.' || (1 + g % 200))::inet
         FROM generate_series(1, $4) g,
           LATERAL (SELECT $2::timestamptz + ($3::timestamptz - $2::timestamptz) * (g::float8 / ($4 + 1)) AS t) tt,
           LATERAL (SELECT * FROM (VALUES
             (0, 'segmentation_violation', 'Traffic between zones without a conduit', NULL),
             (1, 'sigma-ps', 'Suspicious Encoded PowerShell Command Line', 'Florian Roth'),
             (2, 'sigma-smb', 'SMB Scanning', 'Some Author'),
             (3, 'modbus-write', 'Modbus write from unexpected host', NULL)) v(k, ref, title, author) WHERE v.k = (g * 11) % 4) r`,
        [tenantId, FROM, TO, ALERTS],
      ),
    ),
  );
  let other: EventSource | undefined;
  if (OTHER_EVENTS > 0) {
    const otherId = crypto.randomUUID();
    await db.withScope(Scope.all('bench: create a second tenant'), async (tx) => {
      await tx.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Other', $2)`, [otherId, `other-${otherId.slice(0, 8)}`]);
      await tx.query(`INSERT INTO sensors (tenant_id, name, kind) SELECT $1, 'other-' || g, 'ZEEK' FROM generate_series(1, 4) g`, [otherId]);
    });
    other = await eventSource(db, otherId);
  }
  await timed(`seeded ${EVENTS.toLocaleString('en-GB')} events${other ? ` interleaved with ${OTHER_EVENTS.toLocaleString('en-GB')} of another tenant` : ''}`, async () =>
    seedEvents(db, await eventSource(db, tenantId), EVENTS, other, OTHER_EVENTS),
  );
}

async function main(): Promise<void> {
  const services = await ensureLocalServices({
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL || DEFAULT_REDIS_URL,
    dataDir: path.resolve(__dirname, '..', '..', '.data'),
  });
  const name = `wf_bench_report_${Date.now()}`;
  const url = withDatabase(services.databaseUrl, name);
  await ensureDatabase(url);
  const ds = createDataSource({ url, poolSize: 4, applicationName: 'watchfloor-bench-report' });
  await ds.initialize();
  try {
    await applyMigrations(ds);
    const db = new TenantDb(ds);
    const tenantId = crypto.randomUUID();
    await seed(db, tenantId);
    await timed('vacuum analyze', () => ds.query('VACUUM ANALYZE'));

    const reportId = crypto.randomUUID();
    await db.withScope(Scope.tenant(tenantId), (tx) => tx.query(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, $3, $4)`, [tenantId, reportId, FROM, TO]));

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = Date.now();
    const result = await generateReport(db, reportId, { tenantId });
    const elapsed = Date.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (result.status !== 'READY') throw new Error(`report failed: ${result.error}`);
    for (const a of result.artifacts) console.log(`bench: artefact ${a.format} ${(a.sizeBytes / 1024).toFixed(0)} KiB sha256 ${a.sha256.slice(0, 12)}…`);
    console.log(`bench: RSS before ${mb(rssBefore)} MB`);

    // Where the time goes (warm cache now): the summary alone, and its events query alone.
    const perQuery: { ms: number; sql: string }[] = [];
    await timed('tenantSummary alone (warm)', () =>
      db.withScope(Scope.tenant(tenantId), (tx) => {
        const timedTx: ScopedTx = {
          ...tx,
          async query(sql, params) {
            const t0 = Date.now();
            const rows = await tx.query(sql, params);
            perQuery.push({ ms: Date.now() - t0, sql: sql.replace(/\s+/g, ' ').trim() });
            return rows as never;
          },
        };
        return tenantSummary(timedTx, { tenantId, from: FROM, to: TO, timezone: TZ });
      }),
    );
    for (const q of perQuery.sort((a, b) => b.ms - a.ms).slice(0, 5)) console.log(`bench:   ${String(q.ms).padStart(6)} ms  ${q.sql.slice(0, 110)}…`);
    await timed('events per sensor per day alone (warm)', () =>
      db.withScope(Scope.tenant(tenantId), (tx) =>
        tx.query(`SELECT sensor_id, to_char(ts AT TIME ZONE $4, 'YYYY-MM-DD') AS day, count(*) FROM events WHERE tenant_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1, 2`, [tenantId, FROM, TO, TZ]),
      ),
    );
    if (process.env.BENCH_PDF) {
      const [pdf] = await ds.query(`SELECT content FROM report_artifacts WHERE report_id = $1 AND format = 'PDF'`, [reportId]);
      fs.writeFileSync(process.env.BENCH_PDF, pdf.content);
      console.log(`bench: PDF written to ${process.env.BENCH_PDF}`);
    }
    console.log(`report: ${Math.round(INCIDENTS / 1000)}k incidents in ${secs(elapsed)} s, peak RSS ${mb(peak)} MB`);
  } finally {
    await ds.destroy();
    if (process.env.BENCH_KEEP !== '1') {
      const admin = new Client({ connectionString: withDatabase(services.databaseUrl, 'postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}

main().catch((err) => {
  console.error(`bench: failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
