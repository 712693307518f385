// Test support for the correlation integration tests: a unique key prefix per test file, Redis
// connections, match builders and key clean-up.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { compileCorrelation } from './correlation-compiler';
import type { CompiledCorrelation, CorrelationAlert, CorrelationMatch } from './correlation.types';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Base of every test timeline: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);
/** `now` far enough ahead that no test event counts as future-dated. */
export const LATER = new Date(T0 + 365 * 86_400_000);

export function at(seconds: number): Date {
  return new Date(T0 + Math.round(seconds * 1000));
}

export function match(rule: string | string[], eventId: string, seconds: number, fields: Record<string, unknown>): CorrelationMatch {
  return { ruleRefs: Array.isArray(rule) ? rule : [rule], eventId, ts: at(seconds), fields: (name) => fields[name] };
}

/** The aliases example of the Sigma correlation specification: an error, then a connection, addresses swapped. */
export const SPEC_ALIAS_CORRELATION = {
  type: 'temporal',
  rules: ['internal_error', 'new_network_connection'],
  'group-by': ['internal_ip', 'remote_ip'],
  timespan: '10s',
  aliases: {
    internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
    remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
  },
};

export function compiled(doc: unknown): CompiledCorrelation {
  const result = compileCorrelation(doc);
  if (!result.ok) throw new Error(`test rule refused: ${result.reason}`);
  return result.correlation;
}

/** Seconds since T0 of each alert's window start and end, in a comparable shape. */
export function windows(alerts: CorrelationAlert[]): Array<[string, number, number]> {
  return alerts
    .map((a): [string, number, number] => [a.groupKey, (a.windowStart.getTime() - T0) / 1000, (a.windowEnd.getTime() - T0) / 1000])
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1]));
}

export interface RedisTestContext {
  prefix: string;
  connect(): Redis;
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export function redisTestContext(): RedisTestContext {
  const prefix = `wf-test-corr-${randomUUID()}:`;
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
    clients.push(client);
    return client;
  };
  const keys = async () => {
    const admin = clients[0] ?? connect();
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    prefix,
    connect,
    keys,
    async cleanup() {
      try {
        const found = await keys();
        for (let i = 0; i < found.length; i += 500) await clients[0].unlink(...found.slice(i, i + 500));
      } finally {
        await Promise.all(clients.map((c) => c.quit()));
      }
    },
  };
}
