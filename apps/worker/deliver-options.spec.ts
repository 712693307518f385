import { loadConfig, workerChecks, workerSchema } from '@watchfloor/config';
import { DEFAULT_CIRCUIT, DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_MAX_MS } from '@watchfloor/paging';
import { deliveryOptionsFromConfig } from './deliver.processor';

describe('webhook delivery options from the worker configuration', () => {
  it('defaults to the delivery service defaults', () => {
    const options = deliveryOptionsFromConfig(loadConfig(workerSchema, {}));
    expect(options).toMatchObject({ maxAttempts: 8, timeoutMs: 10000, retryBaseMs: DEFAULT_RETRY_BASE_MS, retryMaxMs: DEFAULT_RETRY_MAX_MS, circuit: DEFAULT_CIRCUIT });
  });

  it('takes retry and circuit settings from the environment', () => {
    const env = {
      WEBHOOK_RETRY_BASE_MS: '1000',
      WEBHOOK_RETRY_MAX_MS: '60000',
      WEBHOOK_CIRCUIT_FAILURES: '3',
      WEBHOOK_CIRCUIT_COOLDOWN_MS: '30000',
      WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS: '120000',
    };
    expect(deliveryOptionsFromConfig(loadConfig(workerSchema, env))).toMatchObject({
      retryBaseMs: 1000,
      retryMaxMs: 60000,
      circuit: { failureThreshold: 3, cooldownMs: 30000, maxCooldownMs: 120000 },
    });
  });

  it('refuses a base above its maximum, naming both variables, and a non-positive threshold', () => {
    expect(workerChecks(loadConfig(workerSchema, { WEBHOOK_RETRY_BASE_MS: '90000', WEBHOOK_RETRY_MAX_MS: '60000' }))).toEqual([
      'WEBHOOK_RETRY_BASE_MS (90000) must not exceed WEBHOOK_RETRY_MAX_MS (60000)',
    ]);
    expect(workerChecks(loadConfig(workerSchema, { WEBHOOK_CIRCUIT_COOLDOWN_MS: '600000', WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS: '60000' }))[0]).toMatch(/^WEBHOOK_CIRCUIT_COOLDOWN_MS .* WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS/);
    expect(() => loadConfig(workerSchema, { WEBHOOK_CIRCUIT_FAILURES: '0' })).toThrow(/WEBHOOK_CIRCUIT_FAILURES/);
  });
});
