// npm run bench:ingest -- [--events 200000] [--clients 4] [--batch 1000] [--baseline-rows 4000]
// Ingest over HTTP against two baselines measured in the same run on the same rows:
//  (a) the raw ceiling: COPY FROM STDIN of the already-normalized rows into a scratch copy of
//      `events` (same columns and indexes), from 2 connections;
//  (b) one INSERT per row in autocommit, on a subset, extrapolated to a rate.
// It runs the built ingest app as its own process, as production does (node -r instrument.js
// main.js), on a scratch database it creates, migrates and drops; the clients and the baselines
// run in this process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@watchfloor/config';
import { applyMigrations, createDataSource, ensureDatabase, PgCopyIn, runCopyIn } from '@watchfloor/db';
import { freePort, withDatabase } from '@watchfloor/devstack';
import { EventBatchAssembler, type EventRow } from '@watchfloor/ingest';
import { createSensorWithKey } from '@watchfloor/sensors';
import { Scope, TenantDb } from '@watchfloor/tenancy';
import { findCorpora, numberArg, readJsonLines } from './bench-support';

/** ../shared/corpora from the repository root, found by walking up (works from bench/ and dist/bench/). */
const corpora = findCorpora();
const arg = (name: string, fallback: number): number => numberArg(name, fallback);
const EVENTS = arg('events', 200_000);
const CLIENTS = arg('clients', 4);
const BATCH = arg('batch', 1000);
const BASELINE_ROWS = arg('baseline-rows', 4000);
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------- corpus

/** Real EVE and Zeek records (alerts, flows, dns, http, tls, modbus, notices, weird, …). */
function loadTemplates(): { eve: Record<string, unknown>[]; zeek: Record<string, unknown>[] } {
  const eveDir = path.join(corpora, 'suricata/suricata-sample-data/_extracted');
  const verifyDir = path.join(corpora, 'suricata/suricata-verify/_extracted');
  const eve = [
    ...fs.readdirSync(eveDir).flatMap((f) => readJsonLines(path.join(eveDir, f), 1000)),
    ...fs.readdirSync(verifyDir).filter((f) => f.endsWith('.ndjson')).flatMap((f) => readJsonLines(path.join(verifyDir, f), 200)),
    ...readJsonLines(path.join(corpora, 'suricata/tenzir/eve.first6.ndjson'), 10),
  ];
  const zeekDir = path.join(corpora, 'zeek/brimdata-zed-sample-data/zeek-json');
  const zeek = ['dns', 'ssl', 'weird', 'modbus', 'notice', 'rdp', 'smtp', 'ntp', 'x509', 'ntlm'].flatMap((log) => readJsonLines(path.join(zeekDir, `${log}.json.gz`), 1500));
  return { eve, zeek };
}

/**
 * `count` distinct records recycled from the templates: each copy gets its own flow_id / uid and
 * a timestamp in the last 12 hours, so none is a duplicate of another.
 */
function recycle(count: number, now: number): string[] {
  const { eve, zeek } = loadTemplates();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const ts = now - Math.floor((i / count) * 12 * 3600_000) - (i % 997);
    if (i % 2 === 0) {
      const t = eve[(i / 2) % eve.length];
      lines.push(JSON.stringify({ ...t, timestamp: new Date(ts).toISOString(), flow_id: 10_000_000 + i }));
    } else {
      const t = zeek[((i - 1) / 2) % zeek.length];
      lines.push(JSON.stringify({ ...t, ts: ts / 1000, uid: `Cb${i.toString(36)}` }));
    }
  }
  return lines;
}

// ---------------------------------------------------------------- COPY text rows (the ceiling)

const copyEscape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
const copyField = (v: unknown): string => (v === null || v === undefined ? '\\N' : copyEscape(String(v)));
const arrayLiteral = (a: string[] | null) => (a ? `{${a.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}` : null);

const COLUMNS = `tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, category, severity,
  src_ip, src_port, dst_ip, dst_port, transport, app_protocol, community_id, signature, signature_id, attack_ids, ot_protocol, ot_function,
  ot_function_code, ot_unit_id, ot_operation, message, raw`;

function rowValues(r: EventRow, tenantId: string, sensorId: string, batchId: string, receivedAt: string): unknown[] {
  return [tenantId, r.id, r.ts.toISOString(), receivedAt, sensorId, batchId, r.sourceFormat, r.sourceProduct, r.sourceLog, r.eventClass, r.category, r.severity,
    r.srcIp, r.srcPort, r.dstIp, r.dstPort, r.transport, r.appProtocol, r.communityId, r.signature, r.signatureId, arrayLiteral(r.attackIds), r.otProtocol,
    r.otFunction, r.otFunctionCode, r.otUnitId, r.otOperation, r.message, r.rawJson];
}

function* copyChunks(rows: EventRow[], ids: { tenantId: string; sensorId: string; batchId: string; receivedAt: string }): Generator<Buffer> {
  let text = '';
  for (const r of rows) {
    text += rowValues(r, ids.tenantId, ids.sensorId, ids.batchId, ids.receivedAt).map(copyField).join('\t') + '\n';
    if (text.length > 256 * 1024) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text) yield Buffer.from(text);
}

// ---------------------------------------------------------------- HTTP client

function postBatch(agent: http.Agent, port: number, key: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'content-length': body.length } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- the ingest app, as a process

/** Repository root, from dist/bench/ (the bench runs built). */
const ROOT = path.resolve(__dirname, '../..');

interface IngestProcess {
  child: ChildProcess;
  port: number;
  /** From its start-up log line. */
  parseThreads: number | null;
  stop(): Promise<void>;
}

async function startIngestProcess(env: Record<string, string>): Promise<IngestProcess> {
  const port = await freePort();
  // BENCH_INGEST_NODE_FLAGS: extra node flags for the ingest process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const flags = (process.env.BENCH_INGEST_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, '-r', './dist/apps/ingest/instrument.js', 'dist/apps/ingest/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'info', ...env, INGEST_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: IngestProcess = {
    child,
    port,
    parseThreads: null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  // Its log: the parse thread count from the start-up line; the rest is dropped, or kept in the
  // file BENCH_INGEST_STDOUT names (with what node flags such as --trace-gc print there).
  let pending = '';
  const kept = process.env.BENCH_INGEST_STDOUT ? fs.createWriteStream(process.env.BENCH_INGEST_STDOUT) : null;
  child.stdout!.on('data', (chunk: Buffer) => {
    kept?.write(chunk);
    if (out.parseThreads !== null) return;
    pending += chunk.toString('utf8');
    const m = /"parseThreads":(\d+)/.exec(pending);
    if (m) out.parseThreads = Number(m[1]);
    if (pending.length > 1e6) pending = '';
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ingest app exited during start: ${stderr}`);
    if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) return out;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ingest app did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- CPU accounting

/**
 * CPU spent so far, in microseconds: this process (the HTTP clients and the baselines), the
 * ingest process and its main thread, the Postgres and Redis server processes (Linux /proc;
 * clock ticks of 10 ms), and the machine's busy and total time across all cores.
 */
interface CpuSnapshot {
  bench: number;
  ingest: number;
  /** The ingest process' main thread alone (the rest: parse workers, GC helpers, libuv). */
  ingestMain: number;
  postgres: number;
  redis: number;
  busy: number;
  total: number;
}

const TICK_US = 10_000;

function ticksOf(statFile: string): { comm: string; ticks: number } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(statFile, 'utf8');
  } catch {
    return null; // the process ended meanwhile
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) };
}

function cpuSnapshot(ingestPid: number | undefined): CpuSnapshot {
  const usage = process.cpuUsage();
  const out: CpuSnapshot = { bench: usage.user + usage.system, ingest: 0, ingestMain: 0, postgres: 0, redis: 0, busy: 0, total: 0 };
  try {
    if (ingestPid) {
      out.ingest = (ticksOf(`/proc/${ingestPid}/stat`)?.ticks ?? 0) * TICK_US;
      out.ingestMain = (ticksOf(`/proc/${ingestPid}/task/${ingestPid}/stat`)?.ticks ?? 0) * TICK_US;
    }
    const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = f.map(Number);
    out.total = n.reduce((a, b) => a + b, 0) * TICK_US;
    out.busy = out.total - (n[3] + (n[4] ?? 0)) * TICK_US;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const p = ticksOf(`/proc/${pid}/stat`);
      if (p?.comm === 'postgres') out.postgres += p.ticks * TICK_US;
      else if (p?.comm.startsWith('redis-server')) out.redis += p.ticks * TICK_US;
    }
  } catch {
    // Not Linux: the split stays empty.
  }
  return out;
}

/** CPU of a phase, summed over rounds. */
class CpuTally {
  private readonly sum: CpuSnapshot = { bench: 0, ingest: 0, ingestMain: 0, postgres: 0, redis: 0, busy: 0, total: 0 };
  constructor(private readonly ingestPid: () => number | undefined) {}
  async measure<T>(work: () => Promise<T>): Promise<T> {
    const before = cpuSnapshot(this.ingestPid());
    const result = await work();
    const after = cpuSnapshot(this.ingestPid());
    for (const key of Object.keys(this.sum) as (keyof CpuSnapshot)[]) this.sum[key] += after[key] - before[key];
    return result;
  }
  /** e.g. "ingest process 12.1 (main thread 3.9) + clients 0.8 + Postgres 18.3 + Redis 0.3 µs CPU/event; machine 93% busy". */
  describe(events: number, unit: string, benchRole: string): string {
    const per = (us: number) => (us / events).toFixed(1);
    const s = this.sum;
    const ingest = s.ingest ? `ingest process ${per(s.ingest)} (main thread ${per(s.ingestMain)}) + ` : '';
    return `${ingest}${benchRole} ${per(s.bench)} + Postgres ${per(s.postgres)} + Redis ${per(s.redis)} µs CPU/${unit}; machine ${s.total ? Math.round((s.busy / s.total) * 100) : 0}% busy`;
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const dbName = `wf_bench_ingest_${Date.now()}`;
  const url = withDatabase(serverUrl, dbName);
  const prefix = `{wf-bench-${crypto.randomBytes(4).toString('hex')}}`;
  log(`bench:ingest: ${EVENTS} events, ${CLIENTS} clients, batches of ${BATCH}; scratch database ${dbName}`);
  await ensureDatabase(url);
  const owner = createDataSource({ url, poolSize: 2 });
  await owner.initialize();
  let app: IngestProcess | null = null;
  try {
    await applyMigrations(owner);
    const db = new TenantDb(owner);
    const tenantId = crypto.randomUUID();
    await owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Bench', 'bench')`, [tenantId]);
    const { sensor, apiKey } = await db.withScope(Scope.tenant(tenantId), (tx) => createSensorWithKey(tx, { tenantId, name: 'bench-sensor', kind: 'OTHER' }));

    const now = Date.now();
    const lines = recycle(EVENTS, now);
    const bodies: Buffer[] = [];
    for (let i = 0; i < lines.length; i += BATCH) bodies.push(Buffer.from(lines.slice(i, i + BATCH).join('\n') + '\n'));
    const totalBytes = bodies.reduce((n, b) => n + b.length, 0);
    log(`corpus: ${lines.length} records, ${(totalBytes / 1e6).toFixed(1)} MB in ${bodies.length} bodies (${Math.round(totalBytes / lines.length)} bytes/record)`);

    // The same rows as the HTTP path stores them, for the two baselines (normalized untimed).
    const normalizeRows = (part: string[]): EventRow[] => {
      const assembler = new EventBatchAssembler(sensor.id, { format: 'auto', receivedAt: new Date(now) }, Number.MAX_SAFE_INTEGER);
      part.forEach((l, i) => assembler.addLine(i + 1, l));
      const prepared = assembler.finish();
      if (prepared.rejectedCount) throw new Error(`${prepared.rejectedCount} corpus records do not parse, e.g. ${prepared.rejected[0]?.error}`);
      return prepared.rows;
    };

    // Phases are interleaved in rounds (HTTP, COPY, per-row; then the next third of the rows in
    // the opposite order) and the ratio is taken per round, so drift of a shared machine's speed
    // between phases does not decide the result.
    app = await startIngestProcess({
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      // Nothing consumes the detect queue here: the backlog bound must not shed the bench's load.
      INGEST_MAX_DETECT_BACKLOG: '1000000',
      INGEST_MAX_IN_FLIGHT: String(CLIENTS * 2),
      ...(process.env.INGEST_PARSE_THREADS ? { INGEST_PARSE_THREADS: process.env.INGEST_PARSE_THREADS } : {}),
    });
    const ingestPid = app.child.pid;
    const { port } = app;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    // Warm-up: partitions, key cache, JIT, prepared statements (its own records, not counted).
    const warm = recycle(4000, now - 3600_000).map((l) => l.replace('"flow_id":1', '"flow_id":9').replace('"uid":"Cb', '"uid":"Cw'));
    for (let i = 0; i < warm.length; i += BATCH) await postBatch(agent, port, apiKey, Buffer.from(warm.slice(i, i + BATCH).join('\n')));

    await owner.query(`CREATE TABLE bench_copy (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    await owner.query(`CREATE TABLE bench_rows (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    const clients = await Promise.all([0, 1].map(async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }));
    const ids = { tenantId, sensorId: sensor.id, batchId: crypto.randomUUID(), receivedAt: new Date(now).toISOString() };

    const ROUNDS = Math.max(1, arg('rounds', 3));
    const perRound = Math.ceil(bodies.length / ROUNDS);
    const results: Array<{ http: number; copy: number; row: number }> = [];
    let httpEvents = 0;
    let httpSecondsTotal = 0;
    let accepted = 0;
    let duplicates = 0;
    let refused = 0;
    const httpCpu = new CpuTally(() => ingestPid);
    const copyCpu = new CpuTally(() => undefined);
    let copiedRows = 0;

    const runHttp = async (part: Buffer[]): Promise<number> => {
      let next = 0;
      const started = process.hrtime.bigint();
      await httpCpu.measure(() => Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < part.length) {
            const body = part[next++];
            for (;;) {
              const res = await postBatch(agent, port, apiKey, body);
              if (res.status === 202) {
                const r = JSON.parse(res.body) as { accepted: number; duplicates: number };
                accepted += r.accepted;
                duplicates += r.duplicates;
                break;
              }
              refused++;
              if (res.status !== 429 && res.status !== 503) throw new Error(`ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        }),
      ));
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    const runCopy = async (part: EventRow[]): Promise<number> => {
      const halves = [part.filter((_, i) => i % 2 === 0), part.filter((_, i) => i % 2 === 1)];
      const started = process.hrtime.bigint();
      await copyCpu.measure(() => Promise.all(clients.map((c, i) => runCopyIn(c as never, new PgCopyIn(`COPY bench_copy (${COLUMNS}) FROM STDIN`, () => copyChunks(halves[i], ids))))));
      copiedRows += part.length;
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    const placeholders = Array.from({ length: 29 }, (_, i) => `$${i + 1}`).join(',');
    const runPerRow = async (part: EventRow[]): Promise<number> => {
      const started = process.hrtime.bigint();
      for (const r of part) {
        const v = rowValues(r, ids.tenantId, ids.sensorId, ids.batchId, ids.receivedAt);
        v[21] = r.attackIds;
        await clients[0].query(`INSERT INTO bench_rows (${COLUMNS}) VALUES (${placeholders})`, v);
      }
      return Number(process.hrtime.bigint() - started) / 1e9;
    };

    for (let round = 0; round < ROUNDS; round++) {
      const part = bodies.slice(round * perRound, (round + 1) * perRound);
      if (!part.length) break;
      // The very rows this round sends over HTTP, normalized beforehand (not timed).
      const partLines = lines.slice(round * perRound * BATCH, (round + 1) * perRound * BATCH);
      const partEvents = partLines.length;
      const partRows = normalizeRows(partLines);
      const subset = partRows.slice(0, Math.ceil(BASELINE_ROWS / ROUNDS));
      let httpSeconds: number;
      let copySeconds: number;
      let rowSeconds: number;
      // Each timed phase starts right after a checkpoint, so that none of them pays for one
      // that the previous phase's writes brought on (and the full-page images after it).
      const settled = async <T>(phase: () => Promise<T>): Promise<T> => {
        await owner.query('CHECKPOINT');
        return phase();
      };
      if (round % 2 === 0) {
        httpSeconds = await settled(() => runHttp(part));
        copySeconds = await settled(() => runCopy(partRows));
        rowSeconds = await settled(() => runPerRow(subset));
      } else {
        rowSeconds = await settled(() => runPerRow(subset));
        copySeconds = await settled(() => runCopy(partRows));
        httpSeconds = await settled(() => runHttp(part));
      }
      httpEvents += partEvents;
      httpSecondsTotal += httpSeconds;
      const r = { http: partEvents / httpSeconds, copy: partRows.length / copySeconds, row: subset.length / rowSeconds };
      results.push(r);
      log(`round ${round + 1}: HTTP ${Math.round(r.http)} events/s (${partEvents} in ${httpSeconds.toFixed(2)} s), COPY ${Math.round(r.copy)} rows/s (${partRows.length}), per-row ${Math.round(r.row)} rows/s (${subset.length}) -> R ${(r.http / r.copy).toFixed(2)}, S ${(r.http / r.row).toFixed(1)}`);
    }
    agent.destroy();
    await Promise.all(clients.map((c) => c.end()));
    const [{ n: stored }] = await owner.query(`SELECT count(*)::int AS n FROM events WHERE batch_id IN (SELECT id FROM ingest_batches)`);
    log(`HTTP ingest total: ${httpEvents} events in ${httpSecondsTotal.toFixed(2)} s (accepted ${accepted}, duplicates ${duplicates}, 429/503 retries ${refused}); parse threads ${app.parseThreads ?? '?'}`);
    // Where the CPU went, per event, on this machine's cores.
    log(`CPU, HTTP ingest: ${httpCpu.describe(httpEvents, 'event', 'clients')} of ${os.cpus().length} cores`);
    log(`CPU, COPY ceiling: ${copyCpu.describe(copiedRows, 'row', 'COPY text in Node')} of ${os.cpus().length} cores`);
    if (accepted !== httpEvents) throw new Error(`accepted ${accepted} of ${httpEvents} distinct events`);
    if (stored < accepted) throw new Error(`rows stored ${stored} < accepted ${accepted}`);
    await app.stop();
    app = null;

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const R = median(results.map((r) => r.http / r.copy));
    const S = median(results.map((r) => r.http / r.row));
    const httpRate = httpEvents / httpSecondsTotal;
    const copyRate = median(results.map((r) => r.copy));
    const rowRate = median(results.map((r) => r.row));
    process.stdout.write(
      `ingest: ${Math.round(httpRate)} events/s over HTTP = ${R.toFixed(2)} × COPY ceiling (${Math.round(copyRate)} rows/s), ${S.toFixed(1)} × per-row baseline (${Math.round(rowRate)} rows/s) [medians of ${results.length} interleaved rounds]\n`,
    );
  } finally {
    if (app) await app.stop().catch(() => undefined);
    await owner.destroy();
    const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:ingest failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
