import http from 'node:http';
import { eveAlert, startTestIngest, type TestIngest } from './ingest-test-app';

let k: TestIngest;

beforeAll(async () => {
  k = await startTestIngest({ INGEST_MAX_IN_FLIGHT: '1', INGEST_MAX_DETECT_BACKLOG: '3' });
});
afterAll(() => k.close());

/** POSTs `lines` one chunk at a time with pauses; `onChunk(i)` runs after chunk i is written. */
function slowUpload(lines: string[], pauseMs: number, onChunk: (i: number) => void = () => undefined): Promise<{ status: number; body: any }> {
  const url = new URL(`${k.base}/v1/events`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/x-ndjson' } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    let i = 0;
    const next = (): void => {
      if (i === lines.length) {
        req.end();
        return;
      }
      req.write(lines[i] + '\n');
      onChunk(i++);
      setTimeout(next, pauseMs);
    };
    next();
  });
}

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(eveAlert(from + i)));

describe('ingest under load and at shutdown', () => {
  it('429 with Retry-After when too many batches are in flight', async () => {
    let second: Promise<Response> | null = null;
    const slow = slowUpload(lines(1, 4), 150, (i) => {
      if (i === 1) second = fetch(`${k.base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/x-ndjson' }, body: lines(100, 1)[0] });
    });
    const first = await slow;
    expect(first.status).toBe(202);
    expect(first.body.accepted).toBe(4);
    const refused = await second!;
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_in_flight');
  });

  it('503 with Retry-After when the detect backlog is over the bound, and accepts again once it drains', async () => {
    await k.queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'detect', data: { tenantId: k.tenantId, batchId: `backlog-${i}` } })));
    await new Promise((r) => setTimeout(r, 1100)); // the backlog count is cached for a second
    const count = await k.eventCount();
    const res = await k.post(lines(200, 2).join('\n'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body.error.code).toBe('detect_backlog');
    expect(await k.eventCount()).toBe(count);
    await k.queue.drain();
    await new Promise((r) => setTimeout(r, 1100));
    expect((await k.post(lines(200, 2).join('\n'))).status).toBe(202);
  });

  it('a client that disconnects mid-body stores nothing and leaves the server healthy', async () => {
    const count = await k.eventCount();
    const url = new URL(`${k.base}/v1/events`);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/x-ndjson', 'content-length': '100000' } });
      req.on('error', () => resolve());
      req.write(lines(400, 3).join('\n') + '\n');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 150);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await k.eventCount()).toBe(count);
    const res = await k.post(lines(410, 1)[0]);
    expect(res.status).toBe(202);
  });

  it('app.close() during a slow upload lets that request finish and commit', async () => {
    const count = await k.eventCount();
    let closing: Promise<void> | null = null;
    const res = await slowUpload(lines(300, 6), 200, (i) => {
      if (i === 1) closing = k.app.close();
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(6);
    await closing;
    expect(await k.eventCount()).toBe(count + 6);
    const [batch] = await k.t.owner.query(`SELECT accepted, status FROM ingest_batches WHERE id = $1`, [res.body.batchId]);
    expect(batch).toEqual({ accepted: 6, status: 'PENDING' });
  });
});
