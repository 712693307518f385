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
      return 503;
    case 'internal':
      return 500;
  }
}

/** The JSON body of every ingest error: `{"error":{"code","message",...details}}`. */
export function errorBody(err: IngestError): { error: Record<string, unknown> } {
  return { error: { code: err.code, message: err.message, ...err.details } };
}
