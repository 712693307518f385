import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '@watchfloor/devstack';
import { createSensorWithKey } from '@watchfloor/sensors';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from './harness';

/**
 * SIGTERM to the built ingest process while a client is still uploading: the process stops
 * accepting new connections but lets the in-flight request finish, commits its batch, answers
 * 202, then exits.
 */
const root = path.resolve(__dirname, '..');
const main = path.join(root, 'dist/apps/ingest/main.js');

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/health/ready' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('ingest did not become ready');
}

describe('graceful shutdown (built ingest process)', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(main)) throw new Error('dist/ is missing: run `npm run build` (npm test does) first');
    t = await createTestDatabase({ poolSize: 2 });
    r = await createTestRedis();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await r.cleanup();
    await t.drop();
  });

  it('finishes a request in flight when SIGTERM arrives, then exits', async () => {
    const tenantId = crypto.randomUUID();
    await t.db.withScope(Scope.all('fixture'), (tx) => tx.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'T', 'tenant-shutdown')`, [tenantId]));
    const { apiKey } = await t.db.withScope(Scope.tenant(tenantId), (tx) => createSensorWithKey(tx, { tenantId, name: 'zeek', kind: 'ZEEK' }));
    const port = await freePort();
    child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn', DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: r.queuePrefix, INGEST_PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    let respondedAt = 0;
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
      child!.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    await waitReady(port);

    const now = Date.now() / 1000;
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ _path: 'conn', ts: now - i, uid: `Cshutdown${i}`, 'id.orig_h': '10.0.0.1', 'id.orig_p': 40000 + i, 'id.resp_h': '10.0.0.2', 'id.resp_p': 443, proto: 'tcp' }),
    );
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/events', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      (async () => {
        req.write(lines.slice(0, 10).join('\n') + '\n');
        await new Promise((r2) => setTimeout(r2, 300));
        child!.kill('SIGTERM');
        // Still uploading after the signal.
        await new Promise((r2) => setTimeout(r2, 700));
        req.write(lines.slice(10, 20).join('\n') + '\n');
        await new Promise((r2) => setTimeout(r2, 300));
        req.end(lines.slice(20).join('\n') + '\n');
      })().catch(reject);
    });
    const res = await response;
    respondedAt = Date.now();
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body)).toMatchObject({ accepted: 30, duplicates: 0 });
    // Nest closes the app, then re-raises the signal: a clean SIGTERM exit, after the answer.
    const exit = await exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(exit.at).toBeGreaterThanOrEqual(respondedAt);
    const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1`, [tenantId]);
    expect(n).toBe(30);
  }, 30000);
});
