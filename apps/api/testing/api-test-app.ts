import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { apiSchema } from '@watchfloor/config';
import { hashPassword, Role } from '@watchfloor/auth';
import { createHttpApp } from '@watchfloor/health';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../../test/harness';
import { ApiAppModule, type ApiModuleOptions } from '../api-app.module';

export interface GqlResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

export interface ApiTestApp {
  app: NestFastifyApplication;
  url: string;
  t: TestDatabase;
  redis: TestRedis;
  /** The BullMQ prefix the app's producers use (its redisKeyPrefix in braces). */
  queuePrefix: string;
  gql<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Creates a user directly (fixture) and returns a bearer token obtained through `login`. */
  userWithToken(role: Role, tenantIds: string[], name?: string): Promise<{ id: string; email: string; token: string }>;
  createTenant(name?: string): Promise<string>;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;

/** Boots the api module on a random port against this file's own database and Redis prefix. */
export async function startApiTestApp(options: ApiModuleOptions = {}): Promise<ApiTestApp> {
  const t = await createTestDatabase({ poolSize: 8 });
  const redis = await createTestRedis();
  const config = apiSchema.parse({
    NODE_ENV: 'test', DATABASE_URL: t.url, REDIS_URL: redis.url, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '8',
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
  });
  const logger = pino({ level: process.env.WF_TEST_LOG ?? 'silent' });
  const redisKeyPrefix = `${redis.prefix}:`;
  const app = await createHttpApp(ApiAppModule.forRoot(config, { schemaFile: false, redisKeyPrefix, logger, callerCacheMs: 0, ...options }), {
    service: 'watchfloor-api-test', logger, shutdownHooks: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  async function gql<T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResult<T>;
  }

  return {
    app, url, t, redis, gql, queuePrefix: `{${redisKeyPrefix}}`,
    async createTenant(name = `Tenant ${crypto.randomBytes(3).toString('hex')}`) {
      const id = crypto.randomUUID();
      await t.db.withScope(Scope.all('test fixture'), (tx) =>
        tx.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)`, [id, name, `t-${id.slice(0, 8)}`]),
      );
      return id;
    },
    async userWithToken(role, tenantIds, name) {
      cachedHash ??= hashPassword(PASSWORD);
      const email = `${(name ?? role).toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${crypto.randomBytes(4).toString('hex')}@example.test`;
      const [user] = await t.owner.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id`, [
        email, name ?? `${role} user`, await cachedHash, role,
      ]);
      for (const tenantId of tenantIds) await t.owner.query(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2)`, [tenantId, user.id]);
      const res = await gql<{ login: { accessToken: string } }>(null, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: PASSWORD });
      if (!res.data?.login) throw new Error(`login failed in fixture: ${JSON.stringify(res.errors)}`);
      return { id: user.id, email, token: res.data.login.accessToken };
    },
    async close() {
      await app.close();
      await redis.cleanup();
      await t.drop();
    },
  };
}

export const TEST_PASSWORD = PASSWORD;
