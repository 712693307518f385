import path from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { GraphQLError } from 'graphql';
import type { ApiConfig } from '@watchfloor/config';
import { databaseReadiness, DbModule, OWNER_DATA_SOURCE } from '@watchfloor/db';
import { HealthModule, type ReadinessCheck } from '@watchfloor/health';
import { BullModule } from '@nestjs/bullmq';
import { DEFAULT_JOB_OPTIONS, incidentChangesChannel, queueConnection, REDIS, RedisModule, redisReadiness, type RedisClient } from '@watchfloor/queue';
import { type ApiContext, AuthModule, IdentityService, newApiContext, resolveJwtSecret, type Caller } from '@watchfloor/auth';
import { AuditModule } from '@watchfloor/audit';
import { SocAdminModule } from '@watchfloor/soc-admin';
import { detectionKeyPrefix } from '@watchfloor/detection/rules';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { TenantsModule } from '@watchfloor/tenants';
import { InventoryModule } from '@watchfloor/inventory';
import { EventSearchModule } from '@watchfloor/event-search';
import { TriageModule } from '@watchfloor/triage';
import { ReportingModule } from '@watchfloor/reporting';
import { createLogger } from '@watchfloor/telemetry';
import { DomainError } from '@watchfloor/errors';
import { httpContext, readSessionPlugin } from './graphql-context';
import { TenantDb } from '@watchfloor/tenancy';
import { formatGraphqlError } from './graphql-errors';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule, type QueryLimits } from './query-limits';
import { graphqlMetricsPlugin } from './graphql-metrics';

@Resolver()
export class ServerInfoResolver {
  @Query(() => String, { description: 'The API version.' })
  apiVersion(): string {
    return '0.1.0';
  }
}

export interface ApiModuleOptions {
  /** Where to write the generated SDL: a path, or in memory only (false). Default: schema.graphql in development. */
  schemaFile?: string | false;
  /** Prefix for Redis keys and pub/sub channels (tests use their own). */
  redisKeyPrefix?: string;
  queryLimits?: QueryLimits;
  /** Reuse a resolved caller this long (ms) per process; tests use 0 to see changes at once. */
  callerCacheMs?: number;
  logger?: Logger;
}

interface WsConnectionExtra {
  caller?: Caller | null;
}

@Module({})
export class ApiAppModule {
  static forRoot(config: ApiConfig, options: ApiModuleOptions = {}): DynamicModule {
    const logger = options.logger ?? createLogger('watchfloor-api', config.LOG_LEVEL);
    const sso = config.OIDC_ISSUER && config.OIDC_AUDIENCE ? { issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE } : null;
    const jwtSecret = resolveJwtSecret(config.JWT_SECRET, config.NODE_ENV, Boolean(sso), (m) => logger.warn(m));
    // The detection state's prefix, so the worker's incident changes arrive on this api's channel.
    const keyPrefix = options.redisKeyPrefix ?? detectionKeyPrefix(config.QUEUE_PREFIX);
    // Tests pass their own key prefix; the braces keep each queue's keys in one Redis Cluster slot.
    const queuePrefix = options.redisKeyPrefix ? `{${options.redisKeyPrefix}}` : config.QUEUE_PREFIX;
    const formatError = formatGraphqlError(logger);
    const schemaFile = options.schemaFile ?? (config.NODE_ENV === 'development' ? path.resolve(process.cwd(), 'schema.graphql') : false);
    const queues = queueConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
    return {
      module: ApiAppModule,
      imports: [
        DbModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'watchfloor-api' }),
        RedisModule.forRoot({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES }, [queues]),
        AuthModule.forRoot({
          jwtSecret,
          accessTtlSeconds: config.JWT_ACCESS_TTL_SECONDS,
          refreshTtlSeconds: config.JWT_REFRESH_TTL_SECONDS,
          keyPrefix,
          oidc: sso,
          callerCacheMs: options.callerCacheMs ?? 2000,
        }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [IdentityService, TenantDb],
          useFactory: (identity: IdentityService, db: TenantDb): ApolloDriverConfig => ({
            autoSchemaFile: schemaFile === false ? true : schemaFile,
            sortSchema: true,
            path: '/graphql',
            playground: false,
            introspection: true,
            includeStacktraceInErrorResponses: false,
            validationRules: [queryLimitsRule(options.queryLimits ?? DEFAULT_QUERY_LIMITS)],
            formatError,
            plugins: [readSessionPlugin, graphqlMetricsPlugin],
            // HTTP requests come as (request, reply); graphql-ws messages as (ctx, message, args).
            context: (arg: unknown): Promise<ApiContext> | ApiContext => {
              const ws = arg as { extra?: WsConnectionExtra; connectionParams?: unknown; subscriptions?: unknown };
              if (ws && typeof ws === 'object' && 'extra' in ws && 'subscriptions' in ws) {
                const caller = ws.extra?.caller ?? null;
                return newApiContext({ caller, authError: null, requestId: `ws-${caller?.userId ?? 'anon'}`, ip: 'ws' });
              }
              return httpContext(identity, db, arg as Parameters<typeof httpContext>[2]);
            },
            subscriptions: {
              'graphql-ws': {
                onConnect: async (ctx: { connectionParams?: Record<string, unknown>; extra: unknown }) => {
                  const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
                  try {
                    const caller = await identity.authenticate(typeof raw === 'string' ? raw : null);
                    if (!caller) return false;
                    (ctx.extra as WsConnectionExtra).caller = caller;
                    return true;
                  } catch (err) {
                    if (err instanceof DomainError) return false;
                    throw err;
                  }
                },
                // Subscription results bypass Apollo: give their errors the same codes as HTTP ones.
                onNext: (_ctx: unknown, _id: unknown, _payload: unknown, _args: unknown, result: { errors?: readonly GraphQLError[] }) =>
                  result.errors?.length ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
              },
            },
          }),
        }),
        AuditModule,
        // Producers only (sla, deliver); tests get their own queue prefix.
        BullModule.forRoot({ connection: queues, prefix: queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
        SocAdminModule.forRoot({
          ruleKeyPrefix: keyPrefix,
          allowPrivateWebhooks: config.WEBHOOK_ALLOW_PRIVATE,
          secretBox: secretBoxFromEnv({ WATCHFLOOR_SECRET_KEY: config.WATCHFLOOR_SECRET_KEY, NODE_ENV: config.NODE_ENV }),
        }),
        TenantsModule,
        InventoryModule,
        EventSearchModule,
        TriageModule.forRoot({ channel: incidentChangesChannel(keyPrefix) }),
        ReportingModule.forRoot({ queueConnection: queues, keyPrefix, queuePrefix }),
        HealthModule.forRoot({
          useFactory: (ds: DataSource, redis: RedisClient): ReadinessCheck[] => [
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
