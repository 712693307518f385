// Rule-set versions shared by every worker through Redis. A change to the global rules bumps
// `<prefix>rules:version`; a change to one tenant's rules or settings bumps
// `<prefix>rules:version:<tenantId>`. Workers read both (two GETs) per batch and recompile when
// the pair differs from what they cached. Each bump is also published on `<prefix>rules:changed`
// for processes that prefer to listen.
import type { RedisClient } from '@watchfloor/queue';

export interface RuleVersions {
  /** Bumps the global counter (tenantId null) or the tenant's; publishes the change. */
  bump(tenantId: string | null): Promise<void>;
  /** `"<global>:<tenant>"`, e.g. "3:1"; "0:0" when nothing was ever bumped. */
  read(tenantId: string): Promise<string>;
}

/**
 * Key prefix of the detection state in Redis (rule-set versions, correlation windows, stashes):
 * the BullMQ QUEUE_PREFIX without its hash-tag braces ('{wf}' → 'wf:'), so correlation keys keep
 * their own per-tenant hash tags on Redis Cluster. Worker and API must use the same prefix:
 * createRuleVersions(redis, detectionKeyPrefix(config.QUEUE_PREFIX)).
 */
export function detectionKeyPrefix(queuePrefix: string): string {
  return `${queuePrefix.replace(/[{}]/g, '')}:`;
}

export function ruleVersionKeys(prefix: string, tenantId: string | null): string {
  return tenantId === null ? `${prefix}rules:version` : `${prefix}rules:version:${tenantId}`;
}

export function createRuleVersions(redis: RedisClient, prefix = 'wf:'): RuleVersions {
  return {
    async bump(tenantId) {
      const key = ruleVersionKeys(prefix, tenantId);
      const version = await redis.incr(key);
      await redis.publish(`${prefix}rules:changed`, JSON.stringify({ tenantId, version }));
    },
    async read(tenantId) {
      // Two GETs, not one MGET: on Redis Cluster the global and the tenant key live in different slots.
      const [g, t] = await Promise.all([redis.get(ruleVersionKeys(prefix, null)), redis.get(ruleVersionKeys(prefix, tenantId))]);
      return `${g ?? '0'}:${t ?? '0'}`;
    },
  };
}
