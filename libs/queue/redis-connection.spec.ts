import { Cluster } from 'ioredis';
import { loadConfig, commonSchema } from '@watchfloor/config';
import { createRedisClient, parseClusterNodes, redisUrlOptions } from './redis-connection';
import { queueConnection } from './queues';

describe('Redis connection', () => {
  it('reads cluster seed nodes, IPv6 in brackets, and names a bad entry', () => {
    expect(parseClusterNodes(undefined)).toBeNull();
    expect(parseClusterNodes(' ')).toBeNull();
    expect(parseClusterNodes('redis-0.redis:6379, 10.0.0.7:7001,[fd00::1]:6380')).toEqual([
      { host: 'redis-0.redis', port: 6379 },
      { host: '10.0.0.7', port: 7001 },
      { host: 'fd00::1', port: 6380 },
    ]);
    expect(() => parseClusterNodes('10.0.0.7:7001,redis-1')).toThrow('REDIS_CLUSTER_NODES: "redis-1" is not host:port');
    expect(() => parseClusterNodes('host:70000')).toThrow(/70000/);
    expect(() => loadConfig(commonSchema, { REDIS_CLUSTER_NODES: 'redis-1' })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('takes credentials, database and TLS from REDIS_URL', () => {
    expect(redisUrlOptions('rediss://user:p%40ss@cache.example:6380/2')).toMatchObject({ host: 'cache.example', port: 6380, username: 'user', password: 'p@ss', db: 2, tls: {} });
  });

  it('gives BullMQ plain options for one endpoint and a Cluster client (with the URL credentials) for seed nodes', async () => {
    expect(queueConnection('redis://127.0.0.1:6379')).toMatchObject({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
    const cluster = queueConnection('redis://:secret@127.0.0.1:6379', '127.0.0.1:7000,127.0.0.1:7001') as Cluster;
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      expect(cluster.options.redisOptions).toMatchObject({ password: 'secret', maxRetriesPerRequest: null });
    } finally {
      cluster.disconnect();
    }
    const shared = createRedisClient({ url: 'redis://127.0.0.1:6379', clusterNodes: '' }, { lazyConnect: true });
    expect(shared).not.toBeInstanceOf(Cluster);
    shared.disconnect();
  });
});
