import { z } from 'zod';

// One schema per app; they share these building blocks. Every variable of CONTRACT.md is here.
const port = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be an integer').positive('must be positive').default(fallback);

const urlString = (protocols: string[]) =>
  z.string().refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`);
const url = (protocols: string[], fallback: string) => urlString(protocols).default(fallback);

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/watchfloor';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const commonSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:'], DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: positiveInt(10),
  REDIS_URL: url(['redis:', 'rediss:'], DEFAULT_REDIS_URL),
  // Redis Cluster: its seed nodes; REDIS_URL then gives only the credentials and TLS.
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*$|^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}(\s*,\s*([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5})*$/, 'must be host:port[,host:port…]')
    .optional(),
  QUEUE_PREFIX: z.string().min(1).default('{wf}'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EVENT_RETENTION_DAYS: positiveInt(90),
  SHUTDOWN_TIMEOUT_MS: positiveInt(25000),
  WATCHFLOOR_ADMIN_EMAIL: z.string().email('must be an email address').optional(),
  WATCHFLOOR_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  WATCHFLOOR_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
});

export const apiSchema = commonSchema.extend({
  API_PORT: port(3000),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ACCESS_TTL_SECONDS: positiveInt(900),
  JWT_REFRESH_TTL_SECONDS: positiveInt(14 * 24 * 3600),
  OIDC_ISSUER: urlString(['https:', 'http:']).optional(),
  OIDC_AUDIENCE: z.string().optional(),
  PUBLIC_URL: z.string().optional(),
  WEBHOOK_ALLOW_PRIVATE: bool(false),
});

export const ingestSchema = commonSchema.extend({
  INGEST_PORT: port(3001),
  INGEST_MAX_BODY_BYTES: positiveInt(10 * 1024 * 1024),
  INGEST_MAX_LINE_BYTES: positiveInt(1024 * 1024),
  INGEST_MAX_EVENTS_PER_BATCH: positiveInt(50000),
  INGEST_MAX_DETECT_BACKLOG: positiveInt(20000),
  INGEST_MAX_IN_FLIGHT: positiveInt(16),
  INGEST_KEY_CACHE_SECONDS: positiveInt(5),
  // Worker threads that parse request bodies; auto = cores - 1 (1..4), 0 = on the request thread.
  INGEST_PARSE_THREADS: z
    .union([z.literal('auto'), z.coerce.number({ message: 'must be auto or a number' }).int('must be an integer').min(0, 'must be 0 or more').max(64, 'must be at most 64')], {
      message: 'must be auto or a number from 0 to 64',
    })
    .default('auto'),
});

export const workerSchema = commonSchema.extend({
  WORKER_PORT: port(3002),
  WORKER_QUEUES: z.string().default('detect,incidents,sla,deliver,reports,maintenance'),
  WORKER_CONCURRENCY: positiveInt(2),
  RECONCILE_AFTER_SECONDS: positiveInt(60),
  // How late an event may arrive behind the newest of its correlation group and still be decided
  // exactly. 0: sliding windows fire at the completing event; more delays each decision by that.
  CORRELATION_TOLERANCE_SECONDS: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0, 'must be 0 or more').max(3600, 'must be at most 3600').default(0),
  // BullMQ: a job whose worker died is retried once its lock expired (lock duration) and a stalled
  // check ran (interval). Lower both to recover faster; the lock is renewed every half duration.
  WORKER_LOCK_DURATION_MS: positiveInt(30000),
  WORKER_STALLED_INTERVAL_MS: positiveInt(30000),
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  WEBHOOK_TIMEOUT_MS: positiveInt(10000),
  WEBHOOK_MAX_ATTEMPTS: positiveInt(8),
  // Retry delay: full jitter between 0 and base × 2^(attempt−1), capped; Retry-After is a floor.
  WEBHOOK_RETRY_BASE_MS: positiveInt(5000),
  WEBHOOK_RETRY_MAX_MS: positiveInt(3600000),
  // Circuit breaker per endpoint: opens after this many failures in a row, for the cooldown,
  // doubled on each reopening up to the maximum.
  WEBHOOK_CIRCUIT_FAILURES: positiveInt(5),
  WEBHOOK_CIRCUIT_COOLDOWN_MS: positiveInt(60000),
  WEBHOOK_CIRCUIT_MAX_COOLDOWN_MS: positiveInt(900000),
});

/** Variables whose values are never printed. */
export const SECRET_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'WATCHFLOOR_ADMIN_PASSWORD', 'WATCHFLOOR_SECRET_KEY']);

export type CommonConfig = z.infer<typeof commonSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
export type IngestConfig = z.infer<typeof ingestSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;
