import zlib from 'node:zlib';
import { revokeSensorKeys } from '@watchfloor/sensors';
import { Scope } from '@watchfloor/tenancy';
import { eveAlert, ndjson, startTestIngest, type TestIngest } from './ingest-test-app';

let k: TestIngest;

beforeAll(async () => {
  k = await startTestIngest({
    INGEST_MAX_BODY_BYTES: '200000',
    INGEST_MAX_LINE_BYTES: '20000',
    INGEST_MAX_EVENTS_PER_BATCH: '300',
    INGEST_KEY_CACHE_SECONDS: '1',
  });
});
afterAll(() => k.close());

const cefLine = (n: number, withTime = true) =>
  `<134>1 2026-11-25T10:00:00Z fw01 CEF:0|Fortinet|FortiGate|7.2|13|traffic denied|5|src=10.10.0.${n % 250} dst=10.30.0.11 spt=${1000 + n} dpt=502 proto=TCP act=deny${withTime ? ` rt=${Date.now() - n * 1000}` : ''}`;

describe('POST /v1/events', () => {
  it('stores an NDJSON batch, answers 202 after commit and enqueues one detect job for it', async () => {
    const before = await k.eventCount();
    const res = await k.post(ndjson([eveAlert(1), eveAlert(2), eveAlert(3)]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });
    expect(res.body.batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await k.eventCount()).toBe(before + 3);
    const rows = await k.t.owner.query(
      `SELECT source_format, event_class, severity, host(src_ip) AS src, dst_port, signature_id, raw->>'event_type' AS et, sensor_id FROM events WHERE batch_id = $1 ORDER BY signature_id`,
      [res.body.batchId],
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ source_format: 'suricata', event_class: 'alert', src: '10.10.0.5', dst_port: 502, signature_id: '2000001', et: 'alert', sensor_id: k.sensorId });
    expect(rows[0].severity).toBeGreaterThanOrEqual(3); // Suricata severity 1 is the highest
    const [batch] = await k.t.owner.query(`SELECT status, accepted, duplicates, rejected, format, enqueued_at, min_ts, max_ts FROM ingest_batches WHERE id = $1`, [res.body.batchId]);
    expect(batch).toMatchObject({ status: 'PENDING', accepted: 3, duplicates: 0, rejected: 0, format: 'suricata' });
    expect(batch.enqueued_at).not.toBeNull();
    expect(batch.min_ts.getTime()).toBeLessThan(batch.max_ts.getTime());
    const job = await k.queue.getJob(res.body.batchId);
    expect(job?.data).toMatchObject({ tenantId: k.tenantId, batchId: res.body.batchId });
    const [sensor] = await k.t.owner.query(`SELECT last_event_at FROM sensors WHERE id = $1`, [k.sensorId]);
    expect(Math.abs(sensor.last_event_at.getTime() - Date.parse(eveAlert(1).timestamp as string))).toBeLessThan(5000);
  });

  it('counts a resent batch as duplicates and stores nothing new', async () => {
    const body = ndjson([eveAlert(10), eveAlert(11), eveAlert(12), eveAlert(13)].map((r) => ({ ...r, timestamp: '2026-11-25T08:00:00.000Z' })).map((r, i) => ({ ...r, flow_id: 77 + i })));
    const first = await k.post(body);
    expect(first.body).toMatchObject({ accepted: 4, duplicates: 0 });
    const count = await k.eventCount();
    const again = await k.post(body);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 4, rejected: [] });
    expect(await k.eventCount()).toBe(count);
    // Nothing new: no detect job for the second batch, and its outbox row is already DONE.
    expect(await k.queue.getJob(again.body.batchId)).toBeUndefined();
    const [batch] = await k.t.owner.query(`SELECT status, accepted, duplicates FROM ingest_batches WHERE id = $1`, [again.body.batchId]);
    expect(batch).toEqual({ status: 'DONE', accepted: 0, duplicates: 4 });
  });

  it('deduplicates within one batch', async () => {
    const a = eveAlert(20);
    const b = eveAlert(21);
    const count = await k.eventCount();
    const res = await k.post(ndjson([a, b, a, a, b]));
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 3 });
    expect(await k.eventCount()).toBe(count + 2);
  });

  it('the same record from two sensors is two events', async () => {
    const other = await k.addSensor('SURICATA');
    const rec = eveAlert(25);
    expect((await k.post(ndjson([rec]))).body.accepted).toBe(1);
    expect((await k.post(ndjson([rec]), { key: other.key })).body.accepted).toBe(1);
  });

  it('rejects a malformed line by its number and keeps the others', async () => {
    const count = await k.eventCount();
    const body = `${JSON.stringify(eveAlert(30))}\n{"event_type": "alert", broken\n\n${JSON.stringify(eveAlert(31))}\n{"no":"markers"}\n`;
    const res = await k.post(body);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      { line: 2, error: expect.stringMatching(/invalid JSON/i) },
      { line: 5, error: expect.stringMatching(/unknown format/i) },
    ]);
    expect(await k.eventCount()).toBe(count + 2);
    const [batch] = await k.t.owner.query(`SELECT rejected FROM ingest_batches WHERE id = $1`, [res.body.batchId]);
    expect(batch.rejected).toBe(2);
  });

  it('accepts a JSON array body, numbering rejections by element index + 1', async () => {
    const res = await k.post(JSON.stringify([eveAlert(40), 42, eveAlert(41)]), { contentType: 'application/json' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: [{ line: 2, error: expect.any(String) }] });
  });

  it('accepts a single JSON object body', async () => {
    const res = await k.post(JSON.stringify(eveAlert(45)), { contentType: 'application/json; charset=utf-8' });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
  });

  it('stores raw lines as sent, and falls back to re-serialized raw when jsonb refuses a number', async () => {
    const exact = JSON.stringify(eveAlert(70)).replace(/"flow_id":\d+/, '"flow_id":1234567890123456789');
    const tiny = JSON.stringify(eveAlert(71)).replace('{', '{"tiny":1e-20000,');
    const res = await k.post(`${exact}\n`);
    expect(res.body).toMatchObject({ accepted: 1, rejected: [] });
    const [stored] = await k.t.owner.query(`SELECT raw->>'flow_id' AS flow FROM events WHERE batch_id = $1`, [res.body.batchId]);
    expect(stored.flow).toBe('1234567890123456789');
    // One refused number in the batch: the whole batch is stored, raw rebuilt from the parsed values.
    const both = await k.post(`${tiny}\n${JSON.stringify(eveAlert(72))}\n`);
    expect(both.status).toBe(202);
    expect(both.body).toMatchObject({ accepted: 2, rejected: [] });
    const rows = await k.t.owner.query(`SELECT raw->'tiny' AS tiny FROM events WHERE batch_id = $1 ORDER BY raw->>'flow_id'`, [both.body.batchId]);
    expect(rows.map((r: { tiny: unknown }) => r.tiny)).toEqual([0, null]);
  });

  it('accepts a gzip body', async () => {
    const res = await k.post(zlib.gzipSync(ndjson([eveAlert(50), eveAlert(51)])), { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
  });

  it('accepts CEF text lines, with and without a syslog header', async () => {
    const body = `${cefLine(1)}\nCEF:0|Claroty|CTD|4.0|OT-WRITE|Unexpected Modbus write|8|src=10.10.0.9 dst=10.30.0.11 dpt=502 rt=${Date.now()}\n`;
    const res = await k.post(body, { contentType: 'text/plain' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: [] });
    const rows = await k.t.owner.query(`SELECT source_format, source_product FROM events WHERE batch_id = $1 ORDER BY source_product`, [res.body.batchId]);
    expect(rows.map((r: { source_format: string }) => r.source_format)).toEqual(['cef', 'cef']);
  });

  it('catches a resend of events that carry no timestamp of their own', async () => {
    const line = cefLine(7, false);
    const first = await k.post(line, { contentType: 'text/plain', query: '?format=cef' });
    expect(first.body).toMatchObject({ accepted: 1 });
    await new Promise((r) => setTimeout(r, 20)); // a later receivedAt, so a later ts
    const again = await k.post(line, { contentType: 'text/plain', query: '?format=cef' });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('honours ?format', async () => {
    const res = await k.post(ndjson([eveAlert(60)]), { query: '?format=zeek' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('no_valid_events');
    expect((await k.post(ndjson([eveAlert(60)]), { query: '?format=suricata' })).status).toBe(202);
    const bad = await k.post(ndjson([eveAlert(61)]), { query: '?format=pcap' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_format');
  });
});

describe('POST /v1/events refusals', () => {
  it('401 without a key, with a malformed or unknown key, and after revocation (within the cache TTL)', async () => {
    for (const key of [null, 'nope', 'wfk_aaaaaaaaaaaa_' + 'A'.repeat(43), k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A')]) {
      const res = await k.post(ndjson([eveAlert(70)]), { key });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    const sensor = await k.addSensor('ZEEK');
    expect((await k.post(ndjson([eveAlert(71)]), { key: sensor.key })).status).toBe(202);
    await k.t.db.withScope(Scope.tenant(k.tenantId), (tx) => revokeSensorKeys(tx, sensor.sensorId));
    // Cached for INGEST_KEY_CACHE_SECONDS (1 s here): refused within the TTL plus a margin.
    const deadline = Date.now() + 3000;
    let status = 202;
    while (Date.now() < deadline && status !== 401) {
      status = (await k.post(ndjson([eveAlert(72)]), { key: sensor.key })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(401);
  });

  it('records key use and sensor liveness', async () => {
    const [row] = await k.t.owner.query(`SELECT k.last_used_at, s.last_seen_at FROM api_keys k JOIN sensors s ON s.id = k.sensor_id WHERE s.id = $1`, [k.sensorId]);
    expect(row.last_used_at).not.toBeNull();
    expect(row.last_seen_at).not.toBeNull();
  });

  it('413 when the declared body is too large', async () => {
    const big = ndjson(Array.from({ length: 250 }, (_, i) => ({ ...eveAlert(100 + i), pad: 'x'.repeat(900) })));
    expect(big.length).toBeGreaterThan(200000);
    const res = await k.post(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });

  it('413 when a chunked body passes the limit while streaming', async () => {
    const line = Buffer.from(JSON.stringify({ ...eveAlert(400), pad: 'y'.repeat(5000) }) + '\n');
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent > 400000) return controller.close();
        sent += line.length;
        controller.enqueue(line);
      },
    });
    const res = await fetch(`${k.base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/x-ndjson' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('413 when a line is too long', async () => {
    const res = await k.post(`${JSON.stringify(eveAlert(80))}\n${JSON.stringify({ ...eveAlert(81), pad: 'z'.repeat(30000) })}\n`);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'line_too_large', line: 2 });
  });

  it('413 when the batch has too many events, and nothing is stored', async () => {
    const count = await k.eventCount();
    const res = await k.post(ndjson(Array.from({ length: 301 }, (_, i) => eveAlert(500 + i))));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_many_events');
    expect(await k.eventCount()).toBe(count);
  });

  it('413 for a gzip bomb, without inflating it', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x0a));
    expect(bomb.length).toBeLessThan(200000);
    const rssBefore = process.memoryUsage().rss;
    const res = await k.post(bomb, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(40 * 1024 * 1024);
  });

  it('400 for a corrupt gzip body', async () => {
    const res = await k.post(Buffer.from('not gzip at all'), { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_body');
  });

  it('415 for an unknown content type or encoding', async () => {
    const xml = await k.post('<event/>', { contentType: 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('unsupported_media_type');
    const br = await k.post(ndjson([eveAlert(90)]), { headers: { 'content-encoding': 'br' } });
    expect(br.status).toBe(415);
    expect(br.body.error.code).toBe('unsupported_content_encoding');
  });

  it('400 when nothing is parseable, listing why', async () => {
    const res = await k.post('garbage\nmore garbage\n', { contentType: 'text/plain' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'no_valid_events', rejected: [{ line: 1 }, { line: 2 }] });
    const empty = await k.post('\n\n');
    expect(empty.status).toBe(400);
    const badJson = await k.post('{"a": ', { contentType: 'application/json' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_body');
  });
});
