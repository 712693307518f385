import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built apps refuse to start on invalid configuration, with one line per problem. */
const root = path.resolve(__dirname, '..');
const main = (app: string) => path.join(root, 'dist/apps', app, 'main.js');

function start(app: string, env: Record<string, string>) {
  const run = spawnSync(process.execPath, [main(app)], {
    env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 20000,
  });
  return { code: run.status, lines: run.stderr.trim().split('\n').filter(Boolean) };
}

describe('start-up configuration', () => {
  beforeAll(() => {
    if (!fs.existsSync(main('api'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
  });

  it('api: API_PORT=abc and a missing JWT_SECRET in production exit non-zero with one line each', () => {
    const { code, lines } = start('api', { API_PORT: 'abc', NODE_ENV: 'production', WATCHFLOOR_SECRET_KEY: 's'.repeat(40) });
    expect(code).not.toBe(0);
    expect(lines).toEqual([
      'watchfloor-api: invalid configuration: API_PORT must be a number (got "abc")',
      expect.stringMatching(/^watchfloor-api: invalid configuration: JWT_SECRET is required in production/),
    ]);
    const second = start('api', { NODE_ENV: 'production', WATCHFLOOR_SECRET_KEY: 's'.repeat(40) });
    expect(second.code).not.toBe(0);
    expect(second.lines).toEqual([expect.stringMatching(/^watchfloor-api: invalid configuration: JWT_SECRET is required in production/)]);
  });

  it('ingest and worker name each invalid variable and never print a secret', () => {
    const ingest = start('ingest', { INGEST_PORT: '99999', DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(ingest.code).not.toBe(0);
    expect(ingest.lines).toHaveLength(2);
    expect(ingest.lines.join('\n')).toMatch(/INGEST_PORT must be between 1 and 65535/);
    expect(ingest.lines.join('\n')).toMatch(/DATABASE_URL must be a postgres:\/\//);
    expect(ingest.lines.join('\n')).not.toContain('hunter2');
    const worker = start('worker', { WORKER_QUEUES: 'detect,bogus' });
    expect(worker.code).not.toBe(0);
    expect(worker.lines).toEqual([expect.stringContaining('WORKER_QUEUES names unknown queue(s): bogus')]);
  });
});
