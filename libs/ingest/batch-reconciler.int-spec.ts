import crypto from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { loadConfig, workerSchema } from '@watchfloor/config';
import { EventPartitionCache } from '@watchfloor/db';
import { queueConnection, type DetectJobData } from '@watchfloor/queue';
import { createSensorWithKey } from '@watchfloor/sensors';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { bootstrapWorker } from '../../apps/worker/bootstrap';
import { BatchReconcilerProcessor } from './batch-reconciler.processor';
import { type DetectQueue, reconcileBatches } from './batch-reconciler';
import { findBatch, loadBatchEvents, markBatchDetected } from './batch-outbox';
import { EventBatchAssembler } from './event-batch';
import { writeEventBatch } from './event-writer';
import { encodeBatch } from './event-copy-encoder';
import { createEventParsePool } from './event-parse-pool';
import { EventIngestor } from './event-ingestor';
import { Readable } from 'node:stream';

let t: TestDatabase;
let r: TestRedis;
let queue: Queue<DetectJobData>;
let tenantId: string;
let sensorId: string;
const partitions = new EventPartitionCache();

beforeAll(async () => {
  t = await createTestDatabase();
  r = await createTestRedis();
  queue = new Queue<DetectJobData>('detect', { connection: queueConnection(r.url), prefix: r.queuePrefix });
  tenantId = crypto.randomUUID();
  await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Water', $2)`, [tenantId, `water-${tenantId.slice(0, 8)}`]);
  sensorId = await t.db.withScope(Scope.tenant(tenantId), async (tx) => (await createSensorWithKey(tx, { tenantId, name: 'eve', kind: 'SURICATA' })).sensor.id);
});
afterAll(async () => {
  await queue.close();
  await r.cleanup();
  await t.drop();
});

/** A batch committed the way ingest commits it, but never enqueued (a crash between commit and enqueue). */
async function commitBatch(events: number): Promise<string> {
  const receivedAt = new Date();
  const assembler = new EventBatchAssembler(sensorId, { format: 'auto', receivedAt }, 1000);
  for (let i = 0; i < events; i++) {
    assembler.addRecord(i + 1, {
      timestamp: new Date(receivedAt.getTime() - i * 1000).toISOString(),
      event_type: 'alert',
      src_ip: '10.10.0.7',
      dest_ip: '10.30.0.11',
      dest_port: 502,
      proto: 'TCP',
      alert: { signature_id: crypto.randomInt(1e9), signature: 'ET TEST', severity: 2 },
    });
  }
  const batch = assembler.finish();
  const batchId = crypto.randomUUID();
  const written = await writeEventBatch(
    t.db,
    partitions,
    { tenantId, sensorId, batchId, receivedAt, batch: encodeBatch(batch) },
    { partitionWindow: { from: new Date(receivedAt.getTime() - 86400000), to: new Date(receivedAt.getTime() + 86400000) } },
  );
  expect(written.accepted).toBe(events);
  return batchId;
}

async function jobsFor(batchId: string): Promise<number> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  return jobs.filter((j) => j.data.batchId === batchId).length;
}

describe('batch reconciler', () => {
  it('enqueues a committed batch that was never enqueued, exactly once across passes', async () => {
    const batchId = await commitBatch(3);
    expect(await queue.getJob(batchId)).toBeUndefined();
    const first = await reconcileBatches(t.db, queue, { olderThanSeconds: 0 });
    expect(first).toMatchObject({ enqueued: 1, skipped: false });
    const job = await queue.getJob(batchId);
    expect(job?.data).toMatchObject({ tenantId, batchId });
    const second = await reconcileBatches(t.db, queue, { olderThanSeconds: 0 });
    expect(second).toMatchObject({ enqueued: 0, inQueue: 1 });
    expect(await jobsFor(batchId)).toBe(1);
    const batch = await t.db.withScope(Scope.tenant(tenantId), (tx) => findBatch(tx, batchId));
    expect(batch).toMatchObject({ status: 'PENDING', detectAttempts: 1 });
    expect(batch?.enqueuedAt).not.toBeNull();
  });

  it('a failed enqueue after commit still accepts the batch, and the reconciler enqueues it', async () => {
    const errors: unknown[] = [];
    const ingestor = new EventIngestor(t.db, partitions, {
      maxBodyBytes: 1e6,
      maxLineBytes: 1e5,
      maxEventsPerBatch: 100,
      retentionDays: 30,
      enqueueDetect: async () => {
        throw new Error('Redis is down');
      },
      onEnqueueError: (err) => errors.push(err),
    }, createEventParsePool(0));
    const line = JSON.stringify({ timestamp: new Date().toISOString(), event_type: 'alert', src_ip: '10.1.1.1', dest_ip: '10.30.0.11', proto: 'TCP', alert: { signature_id: 42, signature: 'x', severity: 1 } });
    const result = await ingestor.ingest({
      principal: { tenantId, sensorId, keyId: 'k', sensorKind: 'SURICATA', declaredLog: null },
      format: 'auto',
      contentType: 'application/x-ndjson',
      contentEncoding: undefined,
      contentLength: undefined,
      body: Readable.from([Buffer.from(line + '\n')]),
      receivedAt: new Date(),
    });
    expect(result.accepted).toBe(1);
    expect(errors).toHaveLength(1);
    const batch = await t.db.withScope(Scope.tenant(tenantId), (tx) => findBatch(tx, result.batchId));
    expect(batch).toMatchObject({ status: 'PENDING', enqueuedAt: null });
    expect(await queue.getJob(result.batchId)).toBeUndefined();
    await reconcileBatches(t.db, queue, { olderThanSeconds: 0 });
    expect((await queue.getJob(result.batchId))?.data).toMatchObject({ tenantId, batchId: result.batchId });
  });

  it('two concurrent passes (two workers) enqueue and count a batch once', async () => {
    await queue.drain(true);
    const batchId = await commitBatch(1);
    // A slow Redis keeps each pass inside its transaction long enough for the other to overlap.
    const slowQueue: DetectQueue = {
      getJob: async (id) => {
        await new Promise((res) => setTimeout(res, 300));
        return queue.getJob(id);
      },
      add: (name, data, opts) => queue.add(name, data, opts),
    };
    const passes = await Promise.all([reconcileBatches(t.db, slowQueue, { olderThanSeconds: 0 }), reconcileBatches(t.db, slowQueue, { olderThanSeconds: 0 })]);
    expect(passes.filter((p) => p.skipped)).toHaveLength(1);
    expect(await jobsFor(batchId)).toBe(1);
    const batch = await t.db.withScope(Scope.tenant(tenantId), (tx) => findBatch(tx, batchId));
    expect(batch?.detectAttempts).toBe(1);
  });

  it('leaves recent batches alone (RECONCILE_AFTER_SECONDS)', async () => {
    const batchId = await commitBatch(1);
    await reconcileBatches(t.db, queue, { olderThanSeconds: 3600 });
    expect(await queue.getJob(batchId)).toBeUndefined();
  });

  it('re-adds a batch whose job failed for good, under the same job id', async () => {
    await queue.drain(true);
    const batchId = await commitBatch(2);
    await reconcileBatches(t.db, queue, { olderThanSeconds: 0 });
    const failing = new Worker<DetectJobData>('detect', async () => {
      throw new Error('detector crashed');
    }, { connection: queueConnection(r.url), prefix: r.queuePrefix });
    try {
      for (let i = 0; i < 100 && (await (await queue.getJob(batchId))?.getState()) !== 'failed'; i++) await new Promise((res) => setTimeout(res, 50));
    } finally {
      await failing.close();
    }
    expect(await (await queue.getJob(batchId))?.getState()).toBe('failed');
    const pass = await reconcileBatches(t.db, queue, { olderThanSeconds: 0 });
    expect(pass.enqueued).toBeGreaterThanOrEqual(1);
    expect(await (await queue.getJob(batchId))?.getState()).toBe('waiting');
    expect(await jobsFor(batchId)).toBe(1);
    const batch = await t.db.withScope(Scope.tenant(tenantId), (tx) => findBatch(tx, batchId));
    expect(batch?.detectAttempts).toBe(2);
  });

  it('marks a batch FAILED after the maximum number of re-enqueues', async () => {
    await queue.drain(true);
    const batchId = await commitBatch(1);
    await t.owner.query(`UPDATE ingest_batches SET detect_attempts = 10 WHERE id = $1`, [batchId]);
    await reconcileBatches(t.db, queue, { olderThanSeconds: 0, maxAttempts: 10 });
    const batch = await t.db.withScope(Scope.tenant(tenantId), (tx) => findBatch(tx, batchId));
    expect(batch).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/did not complete/) });
    expect(await queue.getJob(batchId)).toBeUndefined();
  });

  it('ignores batches marked detected; loadBatchEvents returns exactly the batch events', async () => {
    await queue.drain(true);
    const batchId = await commitBatch(4);
    const events = await t.db.withScope(Scope.tenant(tenantId), (tx) => loadBatchEvents(tx, tenantId, batchId));
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({ tenantId, batchId, sensorId, sourceFormat: 'suricata', eventClass: 'alert', dstIp: '10.30.0.11', dstPort: 502 });
    expect(['LOW', 'MEDIUM', 'HIGH']).toContain(events[0].severity);
    expect((events[0].raw as { event_type: string }).event_type).toBe('alert');
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort());
    const page = await t.db.withScope(Scope.tenant(tenantId), (tx) => loadBatchEvents(tx, tenantId, batchId, { afterId: events[1].id, limit: 1 }));
    expect(page.map((e) => e.id)).toEqual([events[2].id]);
    // Another tenant's scope sees nothing of it.
    const other = crypto.randomUUID();
    expect(await t.db.withScope(Scope.tenant(other), (tx) => loadBatchEvents(tx, tenantId, batchId))).toEqual([]);

    await t.db.withScope(Scope.tenant(tenantId), (tx) => markBatchDetected(tx, batchId));
    const pass = await reconcileBatches(t.db, queue, { olderThanSeconds: 0 });
    expect(await queue.getJob(batchId)).toBeUndefined();
    expect(pass.checked).toBe(pass.inQueue + pass.enqueued + pass.failed);
  });

  it('runs in the worker for the detect queue group', async () => {
    await queue.drain(true);
    const batchId = await commitBatch(1);
    const config = { ...loadConfig(workerSchema, { DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: r.queuePrefix, WORKER_QUEUES: 'detect', LOG_LEVEL: 'silent', RECONCILE_AFTER_SECONDS: '1' }), WORKER_PORT: 0 };
    await new Promise((res) => setTimeout(res, 1100));
    const app = await bootstrapWorker(config, { shutdownHooks: false });
    try {
      await app.get(BatchReconcilerProcessor).runOnce();
      expect((await queue.getJob(batchId))?.data.batchId).toBe(batchId);
    } finally {
      await app.close();
    }
  });
});
