import { DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A shared ioredis connection for caches, rate limits and pub/sub fan-out (not for BullMQ). */
@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS, useFactory: () => new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false }) }, RedisCloser],
      exports: [REDIS],
    };
  }
}

export async function redisReadiness(redis: Redis): Promise<string | null> {
  const pong = await redis.ping();
  return pong === 'PONG' ? null : `unexpected PING reply ${pong}`;
}
