// Parse worker threads, run from the build (npm test builds first): the same batch as parsing
// inline, errors that keep their codes, and a crashed worker that takes only its own bodies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEventParsePool, resolveParseThreads, type EventParsePool } from './event-parse-pool';
import type { BodyParseInput } from './event-body-parser';
import type { EncodedBatch } from './event-copy-encoder';
import { IngestError } from './ingest.errors';
import { until } from '../../test/until';

const BUILT_WORKER = path.resolve(__dirname, '../../dist/libs/ingest/event-parse-worker.js');
const SENSOR = '6f1c1b52-2a7e-4b55-9f0e-0c8d3c2a9b11';
const receivedAt = new Date('2026-11-25T12:00:00Z');

const input = (overrides: Partial<BodyParseInput> = {}): BodyParseInput => ({
  kind: 'lines',
  sensorId: SENSOR,
  parseOptions: { format: 'auto', receivedAt },
  maxLineBytes: 4096,
  maxEventsPerBatch: 1000,
  ...overrides,
});

const eve = (n: number) =>
  JSON.stringify({ timestamp: '2026-11-25T11:59:00.123456+0000', event_type: 'alert', src_ip: '10.10.7.23', dest_ip: '10.30.0.11', dest_port: 502, proto: 'TCP', flow_id: n, alert: { signature_id: n, signature: 'ET SCAN', severity: 1 } });
const zeek = (n: number) =>
  JSON.stringify({ _path: 'modbus', ts: 1795655600.5 + n, uid: `Cm${n}`, 'id.orig_h': '10.10.7.23', 'id.orig_p': 50000 + n, 'id.resp_h': '10.30.0.11', 'id.resp_p': 502, func: 'WRITE_SINGLE_REGISTER' });
const BODY = [eve(1), zeek(1), '{broken', '', eve(2), eve(1), zeek(2), 'CEF:0|Vendor|FW|1.0|100|Blocked|5|src=10.0.0.1 dst=10.30.0.11 dpt=502'].join('\n') + '\n';

async function parse(pool: EventParsePool, body: string, options: Partial<BodyParseInput> = {}, chunkBytes = 7): Promise<EncodedBatch> {
  const session = pool.start(input(options));
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length && !session.failed; i += chunkBytes) session.push(bytes.subarray(i, i + chunkBytes));
  return session.finish();
}

let threaded: EventParsePool;
let inline: EventParsePool;

beforeAll(() => {
  if (!fs.existsSync(BUILT_WORKER)) throw new Error(`${BUILT_WORKER} is missing: run npm run build (npm test does) before this test`);
  threaded = createEventParsePool(2, BUILT_WORKER);
  inline = createEventParsePool(0);
});
afterAll(async () => {
  await threaded.close();
});

describe('EventParsePool', () => {
  it('gives the same batch from a worker thread as on the calling thread, byte for byte', async () => {
    const [a, b] = await Promise.all([parse(threaded, BODY), parse(inline, BODY)]);
    expect(threaded.threads).toBe(2);
    expect(a.rowCount).toBe(5);
    expect(a).toMatchObject({ duplicatesInBatch: 1, rejectedCount: 1, records: 7, formats: 'cef,suricata,zeek', rejected: [{ line: 3, error: expect.stringContaining('invalid JSON') }] });
    expect(a.receivedAtIds).toHaveLength(1); // the CEF line has no time of its own
    const { copyChunks: chunksA, ...restA } = a;
    const { copyChunks: chunksB, ...restB } = b;
    expect(restA).toEqual(restB);
    expect(Buffer.concat(chunksA).equals(Buffer.concat(chunksB))).toBe(true);
  });

  it('gives the same batch for a large body that reaches the worker in many pieces, characters split between them', async () => {
    // ≈ 700 KB in 999-byte chunks, cut inside multi-byte characters.
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({ timestamp: '2026-11-25T11:59:00.123456+0000', event_type: 'alert', src_ip: '10.10.7.23', dest_ip: '10.30.0.11', flow_id: 1000 + i, alert: { signature_id: i, signature: `Pumpe Süd € 😀 ${'x'.repeat(i % 200)}` } }));
    const body = lines.join('\n') + '\n';
    expect(Buffer.byteLength(body)).toBeGreaterThan(600_000);
    const [a, b] = await Promise.all([parse(threaded, body, { maxEventsPerBatch: 5000 }, 999), parse(inline, body, { maxEventsPerBatch: 5000 }, 999)]);
    expect(a.rowCount).toBe(2500);
    expect(a.rejectedCount).toBe(0);
    const { copyChunks: chunksA, ...restA } = a;
    const { copyChunks: chunksB, ...restB } = b;
    expect(restA).toEqual(restB);
    expect(Buffer.concat(chunksA).equals(Buffer.concat(chunksB))).toBe(true);
  });

  it('keeps IngestError codes and details across the thread boundary', async () => {
    const long = `${eve(3)}\n${'{"x":"' + 'y'.repeat(5000) + '"}'}\n`;
    await expect(parse(threaded, long)).rejects.toMatchObject({ code: 'line_too_large', details: { line: 2, limitBytes: 4096 } });
    await expect(parse(threaded, [eve(4), eve(5), eve(6)].join('\n'), { maxEventsPerBatch: 2 })).rejects.toMatchObject({ code: 'too_many_events' });
    await expect(parse(threaded, '{broken\n')).rejects.toMatchObject({ code: 'no_valid_events', details: { rejected: [{ line: 1, error: expect.any(String) }] } });
    await expect(parse(threaded, '{"a":', { kind: 'json' })).rejects.toBeInstanceOf(IngestError);
    const array = await parse(threaded, `[${eve(7)},${zeek(7)}]`, { kind: 'json' });
    expect(array.rowCount).toBe(2);
  });

  it('marks a session failed as soon as the worker reports a limit, so the body stops being read', async () => {
    const session = threaded.start(input({ maxLineBytes: 10 }));
    session.push(Buffer.from('x'.repeat(50)));
    await expect(session.finish()).rejects.toMatchObject({ code: 'line_too_large' });
    expect(session.failed).toBe(true);
  });

  it('fails only the bodies of a worker that crashed, and serves the next body from a new worker', async () => {
    // The real worker, plus a listener that kills the thread when a chunk says so.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-parse-'));
    const script = path.join(dir, 'crashing-worker.js');
    fs.writeFileSync(
      script,
      `require(${JSON.stringify(BUILT_WORKER)});
       require('node:worker_threads').parentPort.on('message', (m) => { if (m.op === 'chunk' && Buffer.from(m.bytes).includes('CRASH')) process.exit(3); });`,
    );
    const pool = createEventParsePool(1, script);
    try {
      const doomed = pool.start(input());
      doomed.push(Buffer.from(`${eve(8)}\nCRASH\n`));
      await expect(doomed.finish()).rejects.toThrow(/parse worker exited with code 3/);
      expect(doomed.failed).toBe(true);
      expect((await parse(pool, BODY)).rowCount).toBe(5);
    } finally {
      await pool.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops restarting a worker that keeps exiting, and says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-parse-'));
    const script = path.join(dir, 'exits-at-once.js');
    fs.writeFileSync(script, `process.exit(7);`);
    const pool = createEventParsePool(1, script);
    try {
      const broken = await until('the worker given up', () => {
        try {
          pool.start(input()).abort();
          return undefined;
        } catch (err) {
          return err as Error;
        }
      }, 15_000, 50);
      expect(broken.message).toMatch(/parse worker exited 5 times within 10 s \(last code 7\): not restarted/);
    } finally {
      await pool.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers bodies still in a worker with 503 unavailable when the pool closes', async () => {
    const pool = createEventParsePool(1, BUILT_WORKER);
    const session = pool.start(input());
    session.push(Buffer.from(eve(9)));
    await pool.close();
    await expect(session.finish()).rejects.toMatchObject({ code: 'unavailable', retryAfterSeconds: 5 });
  });

  it('resolves auto to no threads when the worker is not built, and refuses explicit threads without it', () => {
    expect(resolveParseThreads('auto', '/nonexistent/worker.js')).toBe(0);
    expect(resolveParseThreads('auto', BUILT_WORKER)).toBeGreaterThanOrEqual(1);
    expect(resolveParseThreads(3, '/nonexistent/worker.js')).toBe(3);
    expect(() => createEventParsePool(1, '/nonexistent/worker.js')).toThrow(/INGEST_PARSE_THREADS=0/);
  });
});
