import 'reflect-metadata';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { apiChecks, apiSchema, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ingestSchema, loadConfig, productionChecks, workerChecks, workerSchema } from '@watchfloor/config';
import { ensureLocalServices } from '@watchfloor/devstack';
import fs from 'node:fs';
import { DEMO_PASSWORD, demoAttack, startWebhookSink } from '@watchfloor/demo';
import { Client } from 'pg';
import { migrate } from './migrate';
import { replayFiles } from './replay';
import { DEMO_WEBHOOK_SECRET, seed } from './seed';

/**
 * `npm run dev`: the whole stack in one process on one machine. Finds or starts Postgres and
 * Redis, migrates, seeds the demo MSP, starts api + ingest + worker, replays the demo OT attack
 * through the real ingest API, and prints where to look.
 */
const root = path.resolve(__dirname, '..', '..');
const DEV_ADMIN = { email: 'admin@watchfloor.local', password: 'watchfloor-admin-2026' };

function say(line: string): void {
  process.stdout.write(`[dev] ${line}\n`);
}

async function main(): Promise<void> {
  const services = await ensureLocalServices({
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL || DEFAULT_REDIS_URL,
    dataDir: path.join(root, '.data'),
    log: say,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    WATCHFLOOR_ADMIN_EMAIL: process.env.WATCHFLOOR_ADMIN_EMAIL || DEV_ADMIN.email,
    WATCHFLOOR_ADMIN_PASSWORD: process.env.WATCHFLOOR_ADMIN_PASSWORD || DEV_ADMIN.password,
    // The demo's on-call webhook sink listens on loopback.
    WEBHOOK_ALLOW_PRIVATE: process.env.WEBHOOK_ALLOW_PRIVATE ?? 'true',
    RECONCILE_AFTER_SECONDS: process.env.RECONCILE_AFTER_SECONDS ?? '20',
  };
  Object.assign(process.env, env);
  await migrate(services.databaseUrl, env, say);
  // The on-call pager of the demo: prints each verified Standard Webhooks delivery.
  const sinkPort = Number(process.env.WEBHOOK_SINK_PORT ?? 3009);
  const sinkOptions = { host: '127.0.0.1', secret: DEMO_WEBHOOK_SECRET, log: (line: string) => say(`pager: ${line}`) };
  const sink = await startWebhookSink({ ...sinkOptions, port: sinkPort }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    say(`port ${sinkPort} is busy: the on-call sink takes a free port instead`);
    return startWebhookSink({ ...sinkOptions, port: 0 });
  });
  const demo = await seed(services.databaseUrl, { demo: true, env, webhookSinkUrl: sink.url });

  const apiConfig = loadConfig(apiSchema, env, apiChecks);
  const ingestConfig = loadConfig(ingestSchema, env, productionChecks);
  const workerConfig = loadConfig(workerSchema, env, workerChecks);
  const apps: INestApplication[] = [];
  const { bootstrapWorker } = await import('../apps/worker/bootstrap');
  const { bootstrapIngest } = await import('../apps/ingest/bootstrap');
  const { bootstrapApi } = await import('../apps/api/bootstrap');
  apps.push(await bootstrapWorker(workerConfig, { shutdownHooks: false }));
  apps.push(await bootstrapIngest(ingestConfig, { shutdownHooks: false }));
  apps.push(await bootstrapApi(apiConfig, { shutdownHooks: false }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (in-flight requests and jobs finish first)`);
    for (const app of [...apps].reverse()) await app.close().catch((err: Error) => say(`close failed: ${err.message}`));
    await sink.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const api = `http://127.0.0.1:${apiConfig.API_PORT}`;
  const ingestUrl = `http://127.0.0.1:${ingestConfig.INGEST_PORT}`;

  // Replay the demo OT attack through the real ingest API with the replay tool (the files stay
  // under .data/demo/ so `npm run replay` can send them again), then wait for its incident.
  say('replaying the demo OT attack on Riverside Water through the ingest API');
  const demoDir = path.join(root, '.data', 'demo');
  fs.mkdirSync(demoDir, { recursive: true });
  const replayed: { file: string; key: string }[] = [];
  for (const batch of demoAttack(new Date())) {
    const key = demo?.sensorKeys.find((k) => k.tenant === batch.tenant && k.sensor === batch.sensor)?.key;
    if (!key) continue;
    const file = path.join(demoDir, `${batch.tenant}-${batch.sensor}.ndjson`);
    fs.writeFileSync(file, batch.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const summary = await replayFiles({ url: ingestUrl, key, files: [file], progress: null });
    say(`  ${batch.tenant}/${batch.sensor}: accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}`);
    replayed.push({ file, key });
  }
  const incident = await waitForIncident(services.databaseUrl, 'riverside-water', 60000);
  if (incident) say(`incident #${incident.number} ${incident.severity}: ${incident.title}`);
  else say('no incident yet: the worker may still be detecting (check the worker logs)');
  const riversideKey = demo?.sensorKeys.find((k) => k.tenant === 'riverside-water' && k.sensor === 'zeek-control-span')?.key;
  say('');
  say('Watchfloor is running.');
  say(`  GraphQL   ${api}/graphql`);
  say(`  Ingest    ${ingestUrl}/v1/events`);
  say(`  Health    ${api}/health/ready  ${ingestUrl}/health/ready  http://127.0.0.1:${workerConfig.WORKER_PORT}/health/ready`);
  say('');
  say('Logins:');
  say(`  platform admin   ${env.WATCHFLOOR_ADMIN_EMAIL} / ${env.WATCHFLOOR_ADMIN_EMAIL === DEV_ADMIN.email ? DEV_ADMIN.password : '(WATCHFLOOR_ADMIN_PASSWORD)'}`);
  for (const u of demo?.users ?? []) say(`  ${u.role.toLowerCase().padEnd(16)} ${u.email} / ${DEMO_PASSWORD}`);
  say('');
  say('Sensor keys (demo only):');
  for (const k of demo?.sensorKeys ?? []) say(`  ${k.tenant}/${k.sensor}: ${k.key}`);
  say('');
  if (replayed[0]) say(`Replay the attack again (timestamps moved to now): npm run replay -- --key ${replayed[0].key} --shift-to-now ${path.relative(root, replayed[0].file)}`);
  say('Send an event:');
  say(`  curl -sS -X POST ${ingestUrl}/v1/events -H 'authorization: Bearer ${riversideKey}' -H 'content-type: application/x-ndjson' \\`);
  say(`    --data-binary '{"_path":"conn","ts":${(Date.now() / 1000).toFixed(3)},"uid":"Cdemo1","id.orig_h":"10.10.7.23","id.orig_p":50123,"id.resp_h":"10.30.0.11","id.resp_p":502,"proto":"tcp","service":"modbus"}'`);
  say('');
  say('List the open incidents as the SOC analyst (log in, then query):');
  say(`  TOKEN=$(curl -sS ${api}/graphql -H 'content-type: application/json' \\`);
  say(`    -d '{"query":"mutation { login(email: \\"analyst@watchfloor.local\\", password: \\"${DEMO_PASSWORD}\\") { accessToken } }"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`);
  say(`  curl -sS ${api}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`);
  say(`    -d '{"query":"{ incidents(filter: { status: [NEW, ACKNOWLEDGED, INVESTIGATING] }, first: 10) { totalCount edges { node { number title severity status techniques sla { acknowledgeDueAt remainingSeconds } } } } }"}'`);
  say('Press Ctrl-C to stop.');
}

async function waitForIncident(databaseUrl: string, slug: string, timeoutMs: number): Promise<{ number: string; severity: string; title: string } | null> {
  // The dev script reads as the owner: it is the operator's view of the demo, not an app path.
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Once every replayed batch of the tenant is detected, the incident has all its alerts.
      const { rows } = await client.query(
        `SELECT i.number::text AS number, i.severity, i.title FROM incidents i JOIN tenants t ON t.id = i.tenant_id
         WHERE t.slug = $1 AND i.status NOT IN ('CLOSED', 'FALSE_POSITIVE')
           AND NOT EXISTS (SELECT 1 FROM ingest_batches b WHERE b.tenant_id = t.id AND b.status IN ('PENDING', 'DETECTING'))
         ORDER BY i.severity = 'CRITICAL' DESC, i.created_at DESC LIMIT 1`,
        [slug],
      );
      if (rows[0]) return rows[0];
      await new Promise((r) => setTimeout(r, 500));
    }
    return null;
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  process.stderr.write(`[dev] failed: ${(err as Error).message}\n`);
  process.exit(1);
});
