import { DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { createRedisClient, type RedisClient, type RedisTarget } from './redis-connection';

export const REDIS = Symbol('REDIS');
const CLOSE_ALSO = Symbol('REDIS_CLOSE_ALSO');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(CLOSE_ALSO) private readonly others: ConnectionOptions[],
  ) {}
  async onApplicationShutdown(): Promise<void> {
    const clients = [this.redis, ...this.others.filter((c): c is Cluster => c instanceof Cluster)];
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/**
 * A shared ioredis connection for caches, rate limits and pub/sub fan-out (not for BullMQ).
 * `closeAlso`: BullMQ connections handed out as Cluster clients, closed with it at shutdown.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(target: string | RedisTarget, closeAlso: ConnectionOptions[] = []): DynamicModule {
    const resolved = typeof target === 'string' ? { url: target } : target;
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS, useFactory: () => createRedisClient(resolved, { maxRetriesPerRequest: 3, lazyConnect: false }) },
        { provide: CLOSE_ALSO, useValue: closeAlso },
        RedisCloser,
      ],
      exports: [REDIS],
    };
  }
}

export async function redisReadiness(redis: RedisClient): Promise<string | null> {
  const pong = await redis.ping();
  return pong === 'PONG' ? null : `unexpected PING reply ${pong}`;
}
