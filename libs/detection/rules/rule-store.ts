// The rule store as the API uses it: the three service functions bound to the database and to
// the Redis counters every worker watches (same prefix as the worker: detectionKeyPrefix).
import type { RedisClient } from '@watchfloor/queue';
import type { TenantDb } from '@watchfloor/tenancy';
import { importDetectionRules, listDetectionRules, setRuleEnabled, type ImportDetectionRulesInput } from './rule-import';
import { createRuleVersions, detectionKeyPrefix } from './rule-versions';

export function createRuleStore(db: TenantDb, redis: RedisClient, queuePrefix: string) {
  const versions = createRuleVersions(redis, detectionKeyPrefix(queuePrefix));
  return {
    importDetectionRules: (input: ImportDetectionRulesInput) => importDetectionRules(db, versions, input),
    setRuleEnabled: (input: { ruleId: string; tenantId: string; enabled: boolean }) => setRuleEnabled(db, versions, input),
    listDetectionRules: (input: { tenantId: string | null; first?: number; after?: string | null }) => listDetectionRules(db, input),
  };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
