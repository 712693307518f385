import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DataSource } from 'typeorm';
import type Redis from 'ioredis';
import type { ApiConfig } from '@watchfloor/config';
import { databaseReadiness, DbModule, OWNER_DATA_SOURCE } from '@watchfloor/db';
import { HealthModule, type ReadinessCheck } from '@watchfloor/health';
import { REDIS, RedisModule, redisReadiness } from '@watchfloor/queue';

@Resolver()
export class ServerInfoResolver {
  @Query(() => String, { description: 'The API version.' })
  apiVersion(): string {
    return '0.1.0';
  }
}

@Module({})
export class ApiAppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        DbModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'watchfloor-api' }),
        RedisModule.forRoot(config.REDIS_URL),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          playground: false,
          introspection: true,
        }),
        HealthModule.forRoot({
          useFactory: (ds: DataSource, redis: Redis): ReadinessCheck[] => [
            { name: 'postgres', check: () => databaseReadiness(ds) },
            { name: 'redis', check: () => redisReadiness(redis) },
          ],
          inject: [OWNER_DATA_SOURCE, REDIS],
        }),
      ],
      providers: [ServerInfoResolver],
    };
  }
}
