import pino, { type DestinationStream, type Logger } from 'pino';
import { currentTraceId } from './trace-context';

/**
 * Paths that must never reach a log line: credentials, API keys (the Authorization header),
 * webhook and PagerDuty secrets (plain or sealed), password hashes and connection URLs. Pino's
 * `*` matches one level, so each key is listed at the top level and one level down.
 */
const SECRET_KEYS = [
  'password', 'passwordHash', 'password_hash', 'secret', 'webhookSecret', 'secretCiphertext', 'secret_ciphertext', 'apiKey', 'key_hash', 'keyHash',
  'token', 'accessToken', 'refreshToken', 'routingKey', 'routing_key', 'authorization', 'cookie',
  'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'WATCHFLOOR_SECRET_KEY', 'WATCHFLOOR_ADMIN_PASSWORD',
];
export const REDACTED_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'request.headers.authorization', 'request.headers.cookie',
];

/**
 * JSON lines with `service`, and `traceId` whenever a span is active (HTTP request, job), so a
 * log line leads to its trace. Callers add `reqId` and `tenantId` where they know them.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
