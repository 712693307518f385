import type { SecretBox } from '@watchfloor/secrets';

export const SOC_ADMIN_OPTIONS = Symbol('SOC_ADMIN_OPTIONS');

export interface SocAdminOptions {
  /** Redis key prefix of the detection state the workers read (rule-set versions): QUEUE_PREFIX without braces, plus ':'. */
  ruleKeyPrefix: string;
  /** WEBHOOK_ALLOW_PRIVATE: webhook URLs may point at private or loopback addresses (development). */
  allowPrivateWebhooks: boolean;
  /** Seals webhook secrets and routing keys at rest (WATCHFLOOR_SECRET_KEY, the worker's key). */
  secretBox: SecretBox;
  /** A and AAAA lookup for the SSRF check; default node:dns (tests inject one). */
  resolveHost?: (host: string) => Promise<string[]>;
}

