// One way to reach Redis for every part of the product: a single endpoint from REDIS_URL, or a
// Redis Cluster from its seed nodes (REDIS_CLUSTER_NODES) with REDIS_URL's credentials and TLS.
// Keys that one command or script touches together share a hash tag (BullMQ's `{wf}` prefix,
// the correlation state's per-tenant tags); everything else uses one key per command.
import Redis, { Cluster, type RedisOptions } from 'ioredis';

/** The shared client type: code that takes Redis takes either. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  url: string;
  /** `host:port,host:port`: Redis Cluster seed nodes; absent or empty for a single endpoint. */
  clusterNodes?: string | null;
}

export interface ClusterNode {
  host: string;
  port: number;
}

/** `host:port` list → nodes, or a message naming the bad entry; null when empty. */
export function parseClusterNodes(value: string | null | undefined): ClusterNode[] | null {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) return null;
  return entries.map((entry) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new Error(`REDIS_CLUSTER_NODES: "${entry}" is not host:port`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

/** Credentials, database and TLS of a redis:// or rediss:// URL. */
export function redisUrlOptions(redisUrl: string): RedisOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** A client for the target: ioredis `Redis`, or `Cluster` when seed nodes are given. */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const nodes = parseClusterNodes(target.clusterNodes);
  if (!nodes) return new Redis(target.url, options);
  const { host: _host, port: _port, db: _db, ...shared } = redisUrlOptions(target.url);
  return new Cluster(nodes, {
    redisOptions: { ...shared, ...options },
    // Managed clusters announce internal addresses behind TLS: keep the names as given.
    ...(shared.tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
  });
}
