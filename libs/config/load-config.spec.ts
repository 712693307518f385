import { apiChecks, apiSchema, ConfigError, ingestSchema, loadConfig, workerSchema } from '.';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies defaults from CONTRACT.md', () => {
    const config = loadConfig(apiSchema, {});
    expect(config.API_PORT).toBe(3000);
    expect(loadConfig(ingestSchema, {}).INGEST_PORT).toBe(3001);
    expect(loadConfig(workerSchema, {}).WORKER_PORT).toBe(3002);
    expect(loadConfig(ingestSchema, {}).INGEST_MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
    expect(loadConfig(workerSchema, {}).WEBHOOK_ALLOW_PRIVATE).toBe(false);
  });

  it('names each invalid variable on its own line', () => {
    const problems = problemsOf(() => loadConfig(apiSchema, { API_PORT: 'abc', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' }));
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('API_PORT'))).toMatch(/must be a number.*"abc"/);
    expect(problems.find((p) => p.startsWith('REDIS_URL'))).toMatch(/redis:\/\//);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toBeDefined();
  });

  it('rejects a port out of range', () => {
    expect(problemsOf(() => loadConfig(apiSchema, { API_PORT: '70000' }))[0]).toMatch(/^API_PORT must be between 1 and 65535/);
  });

  it('never prints a secret value', () => {
    const problems = problemsOf(() => loadConfig(apiSchema, { JWT_SECRET: 'short-secret-value' }));
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET must be at least 32 characters$/)]);
    expect(problems.join()).not.toContain('short-secret-value');
  });

  it('requires JWT_SECRET in production unless SSO is configured', () => {
    const problems = problemsOf(() => loadConfig(apiSchema, { NODE_ENV: 'production', WATCHFLOOR_SECRET_KEY: 'k'.repeat(32) }, apiChecks));
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET is required in production/)]);
    const sso = loadConfig(
      apiSchema,
      { NODE_ENV: 'production', WATCHFLOOR_SECRET_KEY: 'k'.repeat(32), OIDC_ISSUER: 'https://id.example.com', OIDC_AUDIENCE: 'watchfloor' },
      apiChecks,
    );
    expect(sso.OIDC_AUDIENCE).toBe('watchfloor');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(apiSchema, { API_PORT: '' }).API_PORT).toBe(3000);
  });

  it('bounds the correlation tolerance to 0–3600 s, default 0', () => {
    expect(loadConfig(workerSchema, {}).CORRELATION_TOLERANCE_SECONDS).toBe(0);
    expect(loadConfig(workerSchema, { CORRELATION_TOLERANCE_SECONDS: '90' }).CORRELATION_TOLERANCE_SECONDS).toBe(90);
    expect(problemsOf(() => loadConfig(workerSchema, { CORRELATION_TOLERANCE_SECONDS: '-1' }))).toEqual([expect.stringMatching(/^CORRELATION_TOLERANCE_SECONDS must be 0 or more/)]);
    expect(problemsOf(() => loadConfig(workerSchema, { CORRELATION_TOLERANCE_SECONDS: '7200' }))).toEqual([expect.stringMatching(/must be at most 3600/)]);
  });
});
