// Runs a built app (dist/, `npm test` builds first) as a child process the way production does:
// `node -r instrument.js main.js`, configured only by environment variables. Collects its JSON log
// lines so a test can read what the app logged.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@watchfloor/devstack';

export type AppName = 'api' | 'ingest' | 'worker';

const ROOT = path.resolve(__dirname, '..');
const PORT_VARIABLE: Record<AppName, string> = { api: 'API_PORT', ingest: 'INGEST_PORT', worker: 'WORKER_PORT' };

export interface AppProcess {
  name: AppName;
  port: number;
  base: string;
  child: ChildProcess;
  /** Parsed JSON log lines so far (non-JSON output is kept as { raw }). */
  logs: Record<string, unknown>[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves once the app answers `readyPath` (default /health/live). */
  ready(options?: { readyPath?: string; timeoutMs?: number }): Promise<void>;
}

export { freePort };

export async function startAppProcess(name: AppName, env: Record<string, string>, options: { readyPath?: string; timeoutMs?: number } = {}): Promise<AppProcess> {
  const app = await spawnAppProcess(name, env);
  await app.ready(options);
  return app;
}

/** Starts the app and returns at once (its work may begin before its HTTP port answers). */
export async function spawnAppProcess(name: AppName, env: Record<string, string>): Promise<AppProcess> {
  const main = path.join(ROOT, 'dist', 'apps', name, 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${path.relative(ROOT, main)} is missing: run \`npm run build\` first (npm test builds before jest)`);
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', `./dist/apps/${name}/instrument.js`, `dist/apps/${name}/main.js`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'info', ...env, [PORT_VARIABLE[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  let errText = '';
  child.stderr!.on('data', (chunk: Buffer) => (errText += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  const base = `http://127.0.0.1:${port}`;
  const ready = async (options: { readyPath?: string; timeoutMs?: number } = {}): Promise<void> => {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      if (done) throw new Error(`${name} exited during start: ${errText.slice(-2000)}`);
      const ok = await fetch(`${base}${options.readyPath ?? '/health/live'}`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not become ready: ${errText.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    ready,
    name,
    port,
    base,
    child,
    logs,
    stderr: () => errText,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!done) child.kill(signal);
      await exited;
    },
  };
}

/** Prometheus text exposition → samples (name, labels, value). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

export async function scrape(base: string): Promise<Sample[]> {
  const res = await fetch(`${base}/metrics`);
  if (!res.ok) throw new Error(`${base}/metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}

/** Samples of `name` whose labels include `labels`. */
export function series(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return series(samples, name, labels).reduce((n, s) => n + s.value, 0);
}
