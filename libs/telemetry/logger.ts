import pino, { type Logger } from 'pino';
import { currentTraceId } from './trace-context';

/** Paths that must never reach a log line. */
export const REDACTED_PATHS = [
  'password', '*.password', 'secret', '*.secret', 'apiKey', '*.apiKey', 'token', '*.token', 'accessToken', '*.accessToken',
  'refreshToken', '*.refreshToken', 'routingKey', '*.routingKey', 'req.headers.authorization', 'headers.authorization',
  'req.headers.cookie', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  });
}

export type { Logger };
