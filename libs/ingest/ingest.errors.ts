// Ingest failures as a closed set of codes, mapped to HTTP by one exhaustive switch: a new code
// that is not mapped fails to compile.

export type IngestErrorCode =
  | 'unauthorized'
  | 'invalid_format'
  | 'invalid_body'
  | 'no_valid_events'
  | 'body_too_large'
  | 'line_too_large'
  | 'too_many_events'
  | 'unsupported_media_type'
  | 'unsupported_content_encoding'
  | 'too_many_in_flight'
  | 'detect_backlog'
  | 'unavailable'
  | 'internal';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    /** Extra members of the JSON error (e.g. the rejected lines of a batch with nothing valid). */
    readonly details: Record<string, unknown> = {},
    /** Seconds for Retry-After (429/503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

export function httpStatusOf(code: IngestErrorCode): number {
  switch (code) {
    case 'unauthorized':
      return 401;
    case 'invalid_format':
    case 'invalid_body':
    case 'no_valid_events':
      return 400;
    case 'body_too_large':
    case 'line_too_large':
    case 'too_many_events':
      return 413;
    case 'unsupported_media_type':
    case 'unsupported_content_encoding':
      return 415;
    case 'too_many_in_flight':
      return 429;
    case 'detect_backlog':
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

/** The JSON body of every ingest error: `{"error":{"code","message",...details}}`. */
export function errorBody(err: IngestError): { error: Record<string, unknown> } {
  return { error: { code: err.code, message: err.message, ...err.details } };
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * An unexpected error that means "the database is not reachable right now" (connection refused
 * or lost, pool timeout, server shutting down) rather than a bug: answered 503 with Retry-After.
 */
export function isUnavailableError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.driverError && isUnavailableError(e.driverError)) return true;
  const code = typeof e.code === 'string' ? e.code : '';
  if (CONNECTION_ERRNOS.has(code) || /^08/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message);
}

/** The SQLSTATE of a driver or TypeORM error (TypeORM keeps the driver's error as driverError). */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e && typeof e === 'object' ? (typeof e.code === 'string' ? e.code : e.driverError?.code) : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Serialization failures and deadlocks: the whole transaction may simply be run again. */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = sqlState(err);
  return code === '40001' || code === '40P01';
}
