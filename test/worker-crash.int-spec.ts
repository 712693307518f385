// A worker killed (SIGKILL) while detect jobs are running: its jobs are retried by the next worker
// once their locks expire, and the outcome is exactly what a run without the crash produces — no
// batch lost, no alert or incident missing or doubled. Both runs use the built apps as child
// processes (`npm test` builds first), each with its own database and queue prefix.
import { Queue } from 'bullmq';
import { createRuleVersions, importShippedRules } from '@watchfloor/detection/rules';
import { postDemoBatch, seedDemo, demoSensorKey } from '@watchfloor/demo';
import { queueConnection } from '@watchfloor/queue';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from './harness';
import { spawnAppProcess, startAppProcess, type AppProcess } from './app-process';
import { until } from './until';

const BATCHES = 15;
const PER_BATCH = 40;
const DETECTION_KEY_PREFIX = 'wf:'; // the worker's (apps/worker/detect.processor.ts)

/** Established sessions from corporate hosts to the pump PLC: one segmentation violation each, no scan. */
function workload(now: Date): Record<string, unknown>[][] {
  return Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: PER_BATCH }, (_, i) => ({
      _path: 'conn', ts: (now.getTime() - 600_000 + b * 1000 + i * 10) / 1000, uid: `CCrash${b}x${i}`,
      'id.orig_h': `10.10.${b + 1}.${i + 1}`, 'id.orig_p': 40000 + i, 'id.resp_h': '10.30.0.11', 'id.resp_p': 443,
      proto: 'tcp', service: 'ssl', conn_state: 'SF', duration: 0.2, orig_bytes: 800, resp_bytes: 1600, local_orig: true, local_resp: true,
    })),
  );
}

interface Outcome {
  alerts: string[];
  incidents: number;
  events: number;
  killedActive: string[];
  /** Killed jobs that were started again (not finished at the instant of the kill). */
  killedRestarted: string[];
  retriedLogged: string[];
}

describe('worker killed mid-job', () => {
  const dbs: TestDatabase[] = [];
  const redises: TestRedis[] = [];
  const processes: AppProcess[] = [];
  const queues: Queue[] = [];
  const batches = workload(new Date());

  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL').catch(() => undefined);
    for (const q of queues) await q.close().catch(() => undefined);
    for (const r of redises) await r.cleanup().catch(() => undefined);
    for (const t of dbs) await t.drop().catch(() => undefined);
  });

  async function run(crash: boolean): Promise<Outcome> {
    const t = await createTestDatabase();
    const r = await createTestRedis();
    dbs.push(t);
    redises.push(r);
    // Webhooks to a private address are refused (WEBHOOK_ALLOW_PRIVATE is off): pages fail fast.
    const demo = await seedDemo(t.db, { secrets: secretBoxFromEnv(), webhookSinkUrl: 'http://127.0.0.1:9/hooks', webhookSecret: 'whsec_' + Buffer.alloc(32, 3).toString('base64') });
    const tenantId = demo.tenants['riverside-water'];
    // Rules registered before the first job (as after any earlier worker boot).
    await importShippedRules(t.db, createRuleVersions(r.redis, DETECTION_KEY_PREFIX));
    const env = {
      DATABASE_URL: t.url,
      REDIS_URL: r.url,
      QUEUE_PREFIX: r.queuePrefix,
      DATABASE_POOL_SIZE: '6',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      RECONCILE_AFTER_SECONDS: '5',
    };
    const ingest = await startAppProcess('ingest', env);
    processes.push(ingest);
    const key = demoSensorKey('riverside-water', 'zeek-control-span').key;
    for (const records of batches) expect((await postDemoBatch(ingest.base, key, records)).status).toBe(202);
    const queue = new Queue('detect', { connection: queueConnection(r.url), prefix: r.queuePrefix });
    queues.push(queue);

    const done = async () => Number((await t.owner.query(`SELECT count(*)::int AS n FROM ingest_batches WHERE status = 'DONE'`))[0].n);
    let killedActive: string[] = [];
    let retriedLogged: string[] = [];
    let killedRestarted: string[] = [];
    if (crash) {
      const first = await spawnAppProcess('worker', env);
      processes.push(first);
      // Kill while jobs are running, after at least one batch committed (the others are mid-way).
      const started = Date.now();
      killedActive = await until(
        'active detect jobs',
        async () => {
          const active = await queue.getActive();
          if (active.length === 0) return undefined;
          if ((await done()) === 0 && Date.now() - started < 20_000) return undefined;
          // Prefer a moment when a job has only just started, so the kill lands mid-job.
          const fresh = active.some((j) => j.processedOn !== undefined && Date.now() - j.processedOn < 50);
          if (!fresh && Date.now() - started < 20_000) return undefined;
          first.child.kill('SIGKILL');
          return active.map((j) => String(j.id));
        },
        30_000,
        5,
      );
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(killedActive.length).toBeGreaterThan(0);
      const second = await startAppProcess('worker', env);
      processes.push(second);
      await until('every batch detected', async () => ((await done()) === BATCHES ? true : undefined), 90_000, 200);
      // A job listed as active can still finish on the first worker in the instant before the
      // kill lands (its completion already on its way to Redis): that one was started once. Every
      // other killed job was started again, by the second worker, once BullMQ's stalled check saw
      // its lock expire, and must appear in its log.
      const jobs = await Promise.all(killedActive.map((id) => queue.getJob(id)));
      expect(await Promise.all(jobs.map((j) => j?.getState()))).toEqual(killedActive.map(() => 'completed'));
      killedRestarted = jobs.filter((j) => (j?.attemptsStarted ?? 0) > 1).map((j) => String(j!.id));
      retriedLogged = await until(
        'the retried jobs logged',
        () => {
          const logged = new Set(second.logs.filter((l) => l.msg === 'batch detected').map((l) => String(l.batchId)));
          return killedRestarted.every((id) => logged.has(id)) ? killedRestarted.filter((id) => logged.has(id)) : undefined;
        },
        30_000,
      );
    } else {
      processes.push(await startAppProcess('worker', env));
      await until('every batch detected', async () => ((await done()) === BATCHES ? true : undefined), 90_000, 200);
    }

    // Nothing doubled: one alert per (rule, source, destination, event time); each OPEN alert in
    // exactly one incident; the incidents' counts match their links; one "opened" per incident.
    const alertRows: { k: string; n: number }[] = await t.owner.query(
      `SELECT rule_ref || ' ' || coalesce(host(src_ip), '-') || ' ' || coalesce(host(dst_ip), '-') || ' ' || event_ts::text || ' ' || disposition AS k, count(*)::int AS n
         FROM alerts WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`,
      [tenantId],
    );
    expect(alertRows.filter((a) => a.n !== 1)).toEqual([]);
    const [links] = await t.owner.query(
      `SELECT (SELECT count(*)::int FROM alerts WHERE disposition = 'OPEN' AND incident_id IS NULL) AS unlinked,
              (SELECT count(*)::int FROM incident_alerts) AS links,
              (SELECT count(DISTINCT alert_id)::int FROM incident_alerts) AS linked_alerts,
              (SELECT coalesce(sum(alert_count), 0)::int FROM incidents) AS counted,
              (SELECT count(*)::int FROM incidents) AS incidents,
              (SELECT count(*)::int FROM incident_activity WHERE kind = 'opened') AS opened,
              (SELECT count(*)::int FROM events) AS events`,
    );
    expect(links.unlinked).toBe(0);
    expect(links.links).toBe(links.linked_alerts);
    expect(links.counted).toBe(links.links);
    expect(links.opened).toBe(links.incidents);
    // This run's processes are done: stop them before the next run starts its own.
    for (const p of processes.splice(0)) await p.stop('SIGKILL');
    const batchesRows = await t.owner.query(`SELECT status, error FROM ingest_batches`);
    expect(batchesRows).toHaveLength(BATCHES);
    expect(batchesRows.every((b: { status: string; error: string | null }) => b.status === 'DONE' && b.error === null)).toBe(true);
    return { alerts: alertRows.map((a) => a.k), incidents: links.incidents, events: links.events, killedActive, killedRestarted, retriedLogged };
  }

  it('retries the killed jobs and ends with exactly the alerts and incidents of a run without the crash', async () => {
    const clean = await run(false);
    expect(clean.events).toBe(BATCHES * PER_BATCH);
    expect(clean.alerts.length).toBeGreaterThanOrEqual(BATCHES * PER_BATCH); // a segmentation violation per session at least
    const crashed = await run(true);
    expect(crashed.killedActive.length).toBeGreaterThan(0);
    expect(crashed.killedRestarted.length).toBeGreaterThan(0);
    expect(crashed.retriedLogged).toEqual(crashed.killedRestarted);
    expect(crashed.events).toBe(clean.events);
    expect(crashed.incidents).toBe(clean.incidents);
    expect(crashed.alerts).toEqual(clean.alerts);
  }, 240_000);
});
