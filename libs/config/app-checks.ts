import type { ApiConfig, CommonConfig, WorkerConfig } from './config.schema';

/** Cross-field rules zod cannot express per variable. */
export function productionChecks(config: CommonConfig): string[] {
  const problems: string[] = [];
  if (config.NODE_ENV === 'production' && !config.WATCHFLOOR_SECRET_KEY) {
    problems.push('WATCHFLOOR_SECRET_KEY is required in production (encrypts webhook secrets at rest)');
  }
  return problems;
}

export function apiChecks(config: ApiConfig): string[] {
  const problems = productionChecks(config);
  const sso = Boolean(config.OIDC_ISSUER && config.OIDC_AUDIENCE);
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET && !sso) {
    problems.push('JWT_SECRET is required in production (or OIDC_ISSUER + OIDC_AUDIENCE for SSO tokens)');
  }
  if (config.OIDC_ISSUER && !config.OIDC_AUDIENCE) problems.push('OIDC_AUDIENCE is required when OIDC_ISSUER is set');
  return problems;
}

export function workerChecks(config: WorkerConfig): string[] {
  const problems = productionChecks(config);
  if (config.WEBHOOK_RETRY_BASE_MS > config.WEBHOOK_RETRY_MAX_MS) {
    problems.push(`WEBHOOK_RETRY_BASE_MS (${config.WEBHOOK_RETRY_BASE_MS}) must not exceed WEBHOOK_RETRY_MAX_MS (${config.WEBHOOK_RETRY_MAX_MS})`);
  }
  if (config.WEBHOOK_CIRCUIT_COOLDOWN_MS > config.WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS) {
    problems.push(`WEBHOOK_CIRCUIT_COOLDOWN_MS (${config.WEBHOOK_CIRCUIT_COOLDOWN_MS}) must not exceed WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS (${config.WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS})`);
  }
  return problems;
}
