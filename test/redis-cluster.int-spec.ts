// The product on Redis Cluster: a local 3-node cluster (redis-server in cluster mode), the built
// api, ingest and worker run as production runs them with REDIS_CLUSTER_NODES. The demo attack goes
// through ingest, the detect queue, correlation state, the sla and deliver queues to a page; the api
// logs in through its throttle counters and bumps rule versions. Any command that touched keys of
// two slots would fail with CROSSSLOT here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { DEMO_PASSWORD, demoAttack, postDemoBatch, seedDemo } from '@watchfloor/demo';
import { parseClusterNodes } from '@watchfloor/queue';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { createTestDatabase, type TestDatabase } from './harness';
import { freePort, startAppProcess, type AppProcess } from './app-process';
import { startPageSink, type PageSink } from './page-sink';
import { until } from './until';

const WEBHOOK_SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

/** Three masters on free ports, slots split by redis-cli; stopped and removed by stop(). */
async function startRedisCluster(): Promise<{ nodes: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers: ChildProcess[] = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
      '--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }),
  );
  const stop = async () => {
    for (const s of servers) s.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await until(`redis-server on ${port}`, async () => {
        const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        const ok = await probe.connect().then(() => probe.ping(), () => null);
        probe.disconnect();
        return ok === 'PONG' ? true : undefined;
      }, 10_000);
    }
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    const nodes = ports.map((p) => `127.0.0.1:${p}`).join(',');
    await until('cluster_state:ok', async () => {
      const info = await Promise.all(ports.map(async (port) => {
        const c = new Redis({ port, host: '127.0.0.1' });
        const text = await c.cluster('INFO');
        c.disconnect();
        return text as string;
      }));
      return info.every((t) => t.includes('cluster_state:ok')) ? true : undefined;
    }, 20_000);
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

describe('on Redis Cluster', () => {
  let t: TestDatabase;
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  let sink: PageSink;
  const apps: AppProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    t = await createTestDatabase();
    sink = await startPageSink();
    const firstNode = cluster.nodes.split(',')[0];
    env = { DATABASE_URL: t.url, REDIS_URL: `redis://${firstNode}`, REDIS_CLUSTER_NODES: cluster.nodes, QUEUE_PREFIX: '{wfc}', DATABASE_POOL_SIZE: '4' };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop().catch(() => undefined)));
    await sink?.close();
    await t?.drop();
    await cluster?.stop();
  }, 60_000);

  it('detects the demo attack end to end and pages, with queues, correlation state and caches on the cluster', async () => {
    const demo = await seedDemo(t.db, { secrets: secretBoxFromEnv(), webhookSinkUrl: sink.url, webhookSecret: WEBHOOK_SECRET });
    const [api, ingest, worker] = await Promise.all([
      startAppProcess('api', env),
      startAppProcess('ingest', env),
      startAppProcess('worker', { ...env, WEBHOOK_ALLOW_PRIVATE: 'true' }, { readyPath: '/health/ready' }),
    ]);
    apps.push(api, ingest, worker);

    const batchIds: string[] = [];
    for (const batch of demoAttack(new Date())) {
      const key = demo.sensorKeys.find((k) => k.tenant === batch.tenant && k.sensor === batch.sensor)!.key;
      const res = await postDemoBatch(ingest.base, key, batch.records);
      expect(res.status).toBe(202);
      batchIds.push((res.body as { batchId: string }).batchId);
    }
    await until('every batch detected', async () => {
      const [{ n }] = await t.owner.query(`SELECT count(*)::int AS n FROM ingest_batches WHERE status = 'DONE'`);
      return n === batchIds.length ? true : undefined;
    });
    const [incident] = await t.owner.query(`SELECT severity FROM incidents WHERE tenant_id = $1 ORDER BY created_at LIMIT 1`, [demo.tenants['riverside-water']]);
    expect(incident.severity).toBe('CRITICAL');
    const page = await until('the page', () => sink.pages[0]);
    expect(JSON.parse(page).type).toBe('incident.triggered');

    // The api: a failed login (throttle counters), then a good one and a query.
    const gql = (query: string, token?: string) =>
      fetch(`${api.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<{ data?: any; errors?: any[] }>);
    const bad = await gql(`mutation { login(email: "analyst@watchfloor.local", password: "not the password at all") { accessToken } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const good = await gql(`mutation { login(email: "analyst@watchfloor.local", password: "${DEMO_PASSWORD}") { accessToken } }`);
    expect(good.errors).toBeUndefined();
    const incidents = await gql(`{ incidents(first: 5) { totalCount } }`, good.data.login.accessToken);
    expect(incidents.data.incidents.totalCount).toBeGreaterThan(0);

    // Every app's health saw Redis as ready, and keys are spread over the masters.
    for (const app of apps) expect((await fetch(`${app.base}/health/ready`)).status).toBe(200);
    const client = new Cluster(parseClusterNodes(cluster.nodes)!);
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const perNode = await Promise.all(client.nodes('master').map((n) => n.dbsize()));
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
    // Nobody logged a cross-slot error.
    const logs = JSON.stringify(apps.flatMap((a) => a.logs)) + apps.map((a) => a.stderr()).join('');
    expect(logs).not.toMatch(/CROSSSLOT|MOVED|ClusterAllFailedError/);
  }, 180_000);
});
