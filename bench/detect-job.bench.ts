// node scripts/build.js && node dist/bench/detect-job.bench.js [--events 10000] [--rounds 3]
// (npm run bench:detect is the Sigma engine bench; this one measures the whole detect job)
// The detect job on one ingest batch of real corpus events (Suricata EVE + Zeek JSON, half each)
// with the corpus rule set: every SigmaHQ rule the engine accepts (rules/, rules-emerging-threats/,
// rules-threat-hunting/ of the corpora) plus Watchfloor's shipped OT rules and correlation, for a
// tenant with the Purdue zones, a conduit and assets (built-in OT detections active).
// Baseline: reading the same batch's events from Postgres (the job's unavoidable floor), measured
// in the same round. Prints events/s and the ratio detect / read.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@watchfloor/config';
import { applyMigrations, createDataSource, ensureDatabase, EventPartitionCache } from '@watchfloor/db';
import { withDatabase } from '@watchfloor/devstack';
import { createCorrelationEngine } from '@watchfloor/detection/correlation';
import { createDetector, loadBatch, loadBatchEventRows } from '@watchfloor/detection/pipeline';
import { createRuleVersions, createTenantRuleCache, importDetectionRules, importShippedRules, readRuleFiles } from '@watchfloor/detection/rules';
import { encodeBatch, EventBatchAssembler, writeEventBatch } from '@watchfloor/ingest';
import { Scope, TenantDb } from '@watchfloor/tenancy';
import { findCorpora, numberArg, readJsonLines } from './bench-support';

const corpora = findCorpora();
const arg = (name: string, fallback: number): number => numberArg(name, fallback);
const EVENTS = arg('events', 10_000);
const ROUNDS = Math.max(1, arg('rounds', 3));
const log = (s: string) => process.stderr.write(`${s}\n`);

function templates(): { eve: Record<string, unknown>[]; zeek: Record<string, unknown>[] } {
  const eveDir = path.join(corpora, 'suricata/suricata-sample-data/_extracted');
  const eve = fs.readdirSync(eveDir).flatMap((f) => readJsonLines(path.join(eveDir, f), 1000));
  const zeekDir = path.join(corpora, 'zeek/brimdata-zed-sample-data/zeek-json');
  const zeek = ['dns', 'ssl', 'weird', 'modbus', 'notice', 'rdp', 'smtp', 'ntp', 'x509', 'ntlm', 'dce_rpc', 'smb_files'].flatMap((l) => readJsonLines(path.join(zeekDir, `${l}.json.gz`), 1500));
  return { eve, zeek };
}

/** `count` records from the templates, unique per round (flow_id/uid), stamped within the last hour. */
function records(t: ReturnType<typeof templates>, count: number, round: number, now: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const ts = now - 3600_000 + Math.floor((i / count) * 3000_000);
    if (i % 2 === 0) {
      const e = t.eve[(i / 2) % t.eve.length];
      out.push({ ...e, timestamp: new Date(ts).toISOString(), flow_id: round * 10_000_000 + i });
    } else {
      const z = t.zeek[((i - 1) / 2) % t.zeek.length];
      // One Zeek record in ten comes from a public address (as internet-facing sensors see), so
      // rules about external sources (e.g. SigmaHQ's publicly accessible RDP) get their matches.
      const external = i % 20 === 1 ? { 'id.orig_h': `198.51.100.${(i / 20) % 250 | 0}` } : {};
      out.push({ ...z, ...external, ts: ts / 1000, uid: `B${round}x${i.toString(36)}` });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const dbName = `wf_bench_detect_${Date.now()}`;
  const url = withDatabase(serverUrl, dbName);
  const prefix = `wf-bench-${crypto.randomBytes(4).toString('hex')}:`;
  log(`bench:detect: ${EVENTS} events per batch, ${ROUNDS} rounds; scratch database ${dbName}`);
  await ensureDatabase(url);
  const owner = createDataSource({ url, poolSize: 4 });
  await owner.initialize();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    await applyMigrations(owner);
    const db = new TenantDb(owner);
    const versions = createRuleVersions(redis, prefix);

    // ---- rule set
    const shipped = await importShippedRules(db, versions);
    const shippedCount = shipped.files.reduce((n, f) => n + f.report.imported, 0);
    let imported = 0;
    let refused = 0;
    const reasons = new Map<string, number>();
    for (const dir of ['rules', 'rules-emerging-threats', 'rules-threat-hunting']) {
      for (const f of readRuleFiles(path.join(corpora, 'sigma/sigmahq-sigma', dir))) {
        const report = await importDetectionRules(db, versions, { tenantId: null, yaml: f.yaml, actor: 'bench' });
        imported += report.imported;
        refused += report.refused;
        for (const i of report.items) if (i.status === 'REFUSED') reasons.set((i.reason ?? '').slice(0, 60), (reasons.get((i.reason ?? '').slice(0, 60)) ?? 0) + 1);
      }
    }
    log(`rule set: ${imported} SigmaHQ rules imported, ${refused} refused; ${shippedCount} shipped rules; 5 built-in OT detections`);
    const topReasons = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3);
    for (const [reason, n] of topReasons) log(`  refused ${n}× ${reason}`);

    // ---- tenant
    const tenantId = crypto.randomUUID();
    const sensorId = crypto.randomUUID();
    await owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Bench plant', 'bench-plant')`, [tenantId]);
    await owner.query(`INSERT INTO sensors (tenant_id, id, name, kind) VALUES ($1, $2, 'bench', 'OTHER')`, [tenantId, sensorId]);
    const [it, eng, ctl] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await owner.query(
      `INSERT INTO zones (tenant_id, id, name, purdue_level, cidrs) VALUES ($1, $2, 'Corporate IT', 4, '{10.10.0.0/16,192.168.0.0/16}'),
         ($1, $3, 'Engineering', 3, '{10.20.0.0/16}'), ($1, $4, 'Control', 1, '{10.30.0.0/16,172.16.0.0/12}')`,
      [tenantId, it, eng, ctl],
    );
    await owner.query(`INSERT INTO conduits (tenant_id, from_zone_id, to_zone_id, protocol, ports) VALUES ($1, $2, $3, 'tcp', '{502}')`, [tenantId, eng, ctl]);
    await owner.query(`INSERT INTO assets (tenant_id, name, ip, purdue_level, criticality, zone_id) VALUES ($1, 'Pump PLC', '10.30.0.11', 1, 'CRITICAL', $2)`, [tenantId, ctl]);

    const detector = createDetector({
      db,
      redis,
      rules: createTenantRuleCache(db, versions),
      correlation: createCorrelationEngine({ redis, prefix }),
      keyPrefix: prefix,
    });
    const partitions = new EventPartitionCache();
    const t = templates();
    const ingestBatch = async (round: number): Promise<string> => {
      const now = Date.now();
      const assembler = new EventBatchAssembler(sensorId, { format: 'auto', receivedAt: new Date(now) }, Number.MAX_SAFE_INTEGER);
      records(t, EVENTS, round, now).forEach((r, i) => assembler.addRecord(i + 1, r));
      const b = assembler.finish();
      const batchId = crypto.randomUUID();
      await writeEventBatch(
        db,
        partitions,
        { tenantId, sensorId, batchId, receivedAt: new Date(now), batch: encodeBatch(b) },
        { partitionWindow: { from: new Date(now - 30 * 86400_000), to: new Date(now + 8 * 86400_000) } },
      );
      return batchId;
    };

    const rows: { round: number; events: number; readMs: number; detectMs: number; alerts: number; incidents: number }[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const batchId = await ingestBatch(round);
      const r0 = performance.now();
      const n = await db.withScope(Scope.tenant(tenantId), async (tx) => {
        const batch = await loadBatch(tx, tenantId, batchId);
        return batch ? (await loadBatchEventRows(tx, tenantId, batch)).length : 0;
      });
      const readMs = performance.now() - r0;
      const d0 = performance.now();
      const result = await detector.detectBatch({ tenantId, batchId, now: new Date() });
      const detectMs = performance.now() - d0;
      const label = round === 0 ? 'cold (compiles the rule set)' : `round ${round}`;
      log(`${label}: ${n} events, read ${readMs.toFixed(0)} ms, detect ${detectMs.toFixed(0)} ms, ${result.sigmaMatches} rule matches, ${result.otFindings} OT findings, ${result.alertsInserted} alerts, ${result.incidentChanges.length} incident changes`);
      if (round > 0) rows.push({ round, events: n, readMs, detectMs, alerts: result.alertsInserted, incidents: result.incidentChanges.length });
    }
    const detectRate = rows.map((r) => r.events / (r.detectMs / 1000)).sort((a, b) => a - b);
    const ratios = rows.map((r) => r.detectMs / r.readMs).sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    const summary = {
      events_per_batch: EVENTS,
      rules: imported + shippedCount,
      detect_events_per_second_median: Math.round(median(detectRate)),
      detect_ms_median: Math.round(median(rows.map((r) => r.detectMs).sort((a, b) => a - b))),
      baseline_read_ms_median: Math.round(median(rows.map((r) => r.readMs).sort((a, b) => a - b))),
      ratio_to_baseline_median: Number(median(ratios).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    redis.disconnect();
    await owner.destroy();
    const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
