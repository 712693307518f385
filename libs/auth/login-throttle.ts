import type { RedisClient } from '@watchfloor/queue';
import crypto from 'node:crypto';

/**
 * Failed-login counters in Redis, shared by every API instance: an account locks for the window
 * after `maxPerAccount` failures, an address after `maxPerIp` (spraying many accounts).
 */
export interface LoginThrottleOptions {
  keyPrefix: string;
  maxPerAccount: number;
  maxPerIp: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: Omit<LoginThrottleOptions, 'keyPrefix'> = { maxPerAccount: 5, maxPerIp: 50, windowSeconds: 15 * 60 };

export class LoginThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: LoginThrottleOptions,
  ) {}

  private keys(email: string, ip: string): [string, string] {
    const account = crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    return [`${this.options.keyPrefix}login:account:${account}`, `${this.options.keyPrefix}login:ip:${ip}`];
  }

  async isBlocked(email: string, ip: string): Promise<boolean> {
    const [a, i] = this.keys(email, ip);
    // Two GETs, not one MGET: on Redis Cluster the two keys live in different slots.
    const [account, address] = await Promise.all([this.redis.get(a), this.redis.get(i)]);
    return Number(account ?? 0) >= this.options.maxPerAccount || Number(address ?? 0) >= this.options.maxPerIp;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const [a, i] = this.keys(email, ip);
    // INCR then EXPIRE NX: the window starts at the first failure and is not extended by later ones.
    // One transaction per key (a transaction must stay in one slot on Redis Cluster).
    const w = this.options.windowSeconds;
    await Promise.all([this.redis.multi().incr(a).expire(a, w, 'NX').exec(), this.redis.multi().incr(i).expire(i, w, 'NX').exec()]);
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    const [a] = this.keys(email, ip);
    await this.redis.del(a);
  }
}
