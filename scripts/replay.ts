// npm run replay -- [--url http://127.0.0.1:3001] [--key wfk_...] [--format auto] [--rate N]
//   [--loop] [--shift-to-now] [--batch 1000] [--concurrency 1] FILE...
// Sends sensor files (Suricata EVE as NDJSON or JSON arrays, Zeek JSON or TSV, CEF text, any
// NDJSON; .gz accepted) to the ingest API in batches, at a chosen rate, with a progress bar.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseZeekTsv } from '@watchfloor/normalize';

export interface ReplayOptions {
  url: string;
  key: string;
  files: string[];
  format?: string;
  /** Events per second (0 or undefined: as fast as the server accepts). */
  rate?: number;
  /** Replay the files again and again (with --shift-to-now, each round lands at the new now). */
  loop?: boolean;
  /** Stop a loop after this many rounds (for programmatic use; the CLI loops until interrupted). */
  rounds?: number;
  shiftToNow?: boolean;
  batch?: number;
  concurrency?: number;
  /** Progress output (defaults to process.stderr); null for silence. */
  progress?: NodeJS.WritableStream | null;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface ReplaySummary {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** First rejection messages, with file and batch-relative line. */
  rejections: string[];
  failedBatches: number;
  seconds: number;
  eventsPerSecond: number;
}

/** One record of a sensor file: a JSON object, or a text line (CEF/syslog). */
export type SensorRecord = { kind: 'json'; value: Record<string, unknown> } | { kind: 'text'; line: string };

/** Reads a sensor file into records: JSON array, NDJSON, Zeek TSV or text lines; gzip by magic bytes. */
export function readSensorFile(file: string): SensorRecord[] {
  let buf = fs.readFileSync(file);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  const head = text.trimStart();
  if (head.startsWith('[')) {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) throw new Error(`${file}: not a JSON array`);
    return value.filter(isObject).map((v) => ({ kind: 'json', value: v }));
  }
  if (head.startsWith('#separator')) {
    const tsv = parseZeekTsv(text);
    return tsv.records.map((r) => ({ kind: 'json', value: r.record }));
  }
  const records: SensorRecord[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) continue;
    if (line.trimStart().startsWith('{')) {
      try {
        const value = JSON.parse(line) as unknown;
        if (isObject(value)) {
          records.push({ kind: 'json', value });
          continue;
        }
      } catch {
        // not JSON: sent as a text line, the server reports it
      }
    }
    records.push({ kind: 'text', line });
  }
  return records;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The record's own time in ms (EVE timestamp, Zeek ts, OCSF time, CEF rt), or null. */
export function recordTime(r: SensorRecord): number | null {
  if (r.kind === 'text') {
    const m = /\brt=(\d{10,13})\b/.exec(r.line);
    if (!m) return null;
    return m[1].length === 13 ? Number(m[1]) : Number(m[1]) * 1000;
  }
  const v = r.value;
  if (typeof v.timestamp === 'string') return timeOf(v.timestamp);
  if (typeof v.ts === 'number') return v.ts * 1000;
  if (typeof v.ts === 'string') return timeOf(v.ts);
  if (typeof v.time === 'number') return v.time;
  return null;
}

function timeOf(s: string): number | null {
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** The same record moved by `shiftMs` (only the fields recordTime reads). */
export function shiftRecord(r: SensorRecord, shiftMs: number): SensorRecord {
  const t = recordTime(r);
  if (t === null) return r;
  const next = t + shiftMs;
  if (r.kind === 'text') return { kind: 'text', line: r.line.replace(/\brt=\d{10,13}\b/, (m) => `rt=${m.length - 3 === 13 ? next : Math.floor(next / 1000)}`) };
  const v = { ...r.value };
  if (typeof v.timestamp === 'string') v.timestamp = new Date(next).toISOString();
  else if (typeof v.ts === 'number') v.ts = next / 1000;
  else if (typeof v.ts === 'string') v.ts = new Date(next).toISOString();
  else if (typeof v.time === 'number') v.time = next;
  return { kind: 'json', value: v };
}

/** Moves a set of records so the newest lands at `now`, keeping their spacing. */
export function shiftToNow(records: SensorRecord[], now: Date): SensorRecord[] {
  let newest = -Infinity;
  for (const r of records) {
    const t = recordTime(r);
    if (t !== null && t > newest) newest = t;
  }
  if (!Number.isFinite(newest)) return records;
  const shift = now.getTime() - newest;
  return records.map((r) => shiftRecord(r, shift));
}

interface Batch {
  body: Buffer;
  contentType: string;
  count: number;
  label: string;
}

function toBatches(file: string, records: SensorRecord[], size: number): Batch[] {
  const batches: Batch[] = [];
  let lines: string[] = [];
  let kind: SensorRecord['kind'] | null = null;
  let first = 0;
  const flush = (): void => {
    if (!lines.length) return;
    batches.push({ body: Buffer.from(lines.join('\n') + '\n'), contentType: kind === 'text' ? 'text/plain' : 'application/x-ndjson', count: lines.length, label: `${path.basename(file)}#${first + 1}` });
    lines = [];
  };
  records.forEach((r, i) => {
    if (r.kind !== kind || lines.length >= size) {
      flush();
      kind = r.kind;
      first = i;
    }
    lines.push(r.kind === 'json' ? JSON.stringify(r.value) : r.line);
  });
  flush();
  return batches;
}

interface PostResult {
  status: number;
  body: string;
  retryAfter: number | null;
}

function post(url: URL, key: string, batch: Batch, agent: http.Agent): Promise<PostResult> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': batch.contentType, 'content-length': batch.body.length } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const ra = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), retryAfter: Number.isFinite(ra) ? ra : null });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(batch.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Replays the files; resolves with the totals (also when some batches failed). */
export async function replayFiles(options: ReplayOptions): Promise<ReplaySummary> {
  if (!options.key) throw new Error('no sensor API key: pass --key or set WATCHFLOOR_SENSOR_KEY');
  if (!options.files.length) throw new Error('no files to replay');
  const endpoint = new URL('/v1/events', options.url);
  if (options.format && options.format !== 'auto') endpoint.searchParams.set('format', options.format);
  const batchSize = Math.max(1, options.batch ?? 1000);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const now = options.now ?? (() => new Date());
  const out = options.progress === undefined ? process.stderr : options.progress;
  const tty = Boolean(out && (out as NodeJS.WriteStream).isTTY);
  const agent = new (endpoint.protocol === 'https:' ? https : http).Agent({ keepAlive: true, maxSockets: concurrency });
  const loaded = options.files.map((file) => ({ file, records: readSensorFile(file) }));
  const perRound = loaded.reduce((n, f) => n + f.records.length, 0);
  const summary: ReplaySummary = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, rejections: [], failedBatches: 0, seconds: 0, eventsPerSecond: 0 };
  const started = Date.now();
  let lastPlain = 0;
  const report = (final = false): void => {
    if (!out) return;
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? Math.round(summary.sent / elapsed) : 0;
    const total = options.loop ? 0 : perRound;
    if (tty) {
      const frac = total ? Math.min(1, summary.sent / total) : 0;
      const bar = total ? `[${'#'.repeat(Math.round(frac * 30)).padEnd(30, '.')}] ${String(Math.round(frac * 100)).padStart(3)}% ` : '';
      out.write(`\r${bar}${summary.sent}${total ? `/${total}` : ''} events, ${rate} ev/s, accepted ${summary.accepted}, dup ${summary.duplicates}, rejected ${summary.rejected}\x1b[K${final ? '\n' : ''}`);
    } else if (final || Date.now() - lastPlain > 2000) {
      lastPlain = Date.now();
      out.write(`replay: ${summary.sent}${total ? `/${total}` : ''} events, ${rate} ev/s, accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}\n`);
    }
  };

  const sendOne = async (batch: Batch): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      let res: PostResult;
      try {
        res = await post(endpoint, options.key, batch, agent);
      } catch (err) {
        if (attempt >= 5) {
          summary.failedBatches++;
          summary.rejections.push(`${batch.label}: ${(err as Error).message}`);
          return;
        }
        await sleep(500 * 2 ** attempt);
        continue;
      }
      if (res.status === 202) {
        const body = JSON.parse(res.body) as { accepted: number; duplicates: number; rejected: Array<{ line: number; error: string }>; rejectedCount?: number };
        summary.accepted += body.accepted;
        summary.duplicates += body.duplicates;
        summary.rejected += body.rejectedCount ?? body.rejected.length;
        for (const r of body.rejected) if (summary.rejections.length < 20) summary.rejections.push(`${batch.label} line ${r.line}: ${r.error}`);
        return;
      }
      if ((res.status === 429 || res.status === 503) && attempt < 20) {
        await sleep((res.retryAfter ?? 1) * 1000);
        continue;
      }
      summary.failedBatches++;
      summary.rejected += batch.count;
      if (res.status === 401) throw new Error(`401 from ${endpoint.origin}: the sensor API key was refused`);
      if (summary.rejections.length < 20) summary.rejections.push(`${batch.label}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      return;
    }
  };

  try {
    for (let round = 0; ; round++) {
      const batches = loaded.flatMap(({ file, records }) => toBatches(file, options.shiftToNow ? shiftToNow(records, now()) : records, batchSize));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < batches.length && !options.signal?.aborted) {
          const batch = batches[next++];
          if (options.rate && options.rate > 0) {
            // Pace: do not get ahead of rate × elapsed.
            const due = started + ((summary.sent + batch.count) / options.rate) * 1000;
            const wait = due - Date.now();
            if (wait > 0) await sleep(wait);
          }
          summary.sent += batch.count;
          await sendOne(batch);
          report();
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (!options.loop || options.signal?.aborted || (options.rounds !== undefined && round + 1 >= options.rounds)) break;
    }
  } finally {
    agent.destroy();
  }
  summary.seconds = (Date.now() - started) / 1000;
  summary.eventsPerSecond = summary.seconds > 0 ? Math.round(summary.sent / summary.seconds) : 0;
  report(true);
  return summary;
}

/** process.argv → ReplayOptions (throws a usage error naming the problem). */
export function parseReplayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ReplayOptions {
  const options: ReplayOptions = { url: 'http://127.0.0.1:3001', key: env.WATCHFLOOR_SENSOR_KEY ?? '', files: [], format: 'auto', batch: 1000 };
  const number = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--url':
        options.url = argv[++i] ?? '';
        break;
      case '--key':
        options.key = argv[++i] ?? '';
        break;
      case '--format':
        options.format = argv[++i];
        break;
      case '--rate':
        options.rate = number(a, argv[++i]);
        break;
      case '--batch':
        options.batch = number(a, argv[++i]);
        break;
      case '--concurrency':
        options.concurrency = number(a, argv[++i]);
        break;
      case '--loop':
        options.loop = true;
        break;
      case '--shift-to-now':
        options.shiftToNow = true;
        break;
      case '--help':
      case '-h':
        throw new Error('usage');
      default:
        if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
        options.files.push(a);
    }
  }
  return options;
}

const USAGE = 'usage: npm run replay -- [--url http://127.0.0.1:3001] [--key wfk_...] [--format auto|suricata|zeek|cef|ocsf|native] [--rate N] [--loop] [--shift-to-now] [--batch 1000] [--concurrency 1] FILE...';

async function main(): Promise<void> {
  let options: ReplayOptions;
  try {
    options = parseReplayArgs(process.argv.slice(2));
    if (!options.files.length) throw new Error('no files given');
  } catch (err) {
    process.stderr.write(`${(err as Error).message === 'usage' ? '' : `replay: ${(err as Error).message}\n`}${USAGE}\n`);
    process.exit(2);
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const s = await replayFiles({ ...options, signal: controller.signal });
  process.stdout.write(
    `replayed ${s.sent} events in ${s.seconds.toFixed(1)} s (${s.eventsPerSecond} events/s): accepted ${s.accepted}, duplicates ${s.duplicates}, rejected ${s.rejected}${s.failedBatches ? `, failed batches ${s.failedBatches}` : ''}\n`,
  );
  for (const r of s.rejections.slice(0, 10)) process.stdout.write(`  ${r}\n`);
  if (s.failedBatches) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`replay: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
