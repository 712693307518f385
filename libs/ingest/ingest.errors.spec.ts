import { errorBody, httpStatusOf, IngestError, isRetryableTransactionError, isUnavailableError } from './ingest.errors';

describe('ingest errors', () => {
  it('maps codes to the statuses of the contract', () => {
    expect(httpStatusOf('unauthorized')).toBe(401);
    expect(httpStatusOf('no_valid_events')).toBe(400);
    expect(httpStatusOf('line_too_large')).toBe(413);
    expect(httpStatusOf('unsupported_content_encoding')).toBe(415);
    expect(httpStatusOf('too_many_in_flight')).toBe(429);
    expect(httpStatusOf('detect_backlog')).toBe(503);
    expect(httpStatusOf('unavailable')).toBe(503);
  });

  it('renders {"error": {code, message, ...details}}', () => {
    expect(errorBody(new IngestError('line_too_large', 'line 3 is too long', { line: 3 }))).toEqual({ error: { code: 'line_too_large', message: 'line 3 is too long', line: 3 } });
  });

  it('tells an unreachable database from a bug', () => {
    expect(isUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailableError({ message: 'x', driverError: { code: '57P01' } })).toBe(true);
    expect(isUnavailableError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isUnavailableError(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isUnavailableError(null)).toBe(false);
    expect(isRetryableTransactionError({ code: '40P01' })).toBe(true);
    expect(isRetryableTransactionError({ driverError: { code: '40001' } })).toBe(true);
    expect(isRetryableTransactionError({ code: '23505' })).toBe(false);
  });
});
