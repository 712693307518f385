import { GraphQLError } from 'graphql';

/**
 * What can go wrong in a domain operation, independent of the transport. Each code is mapped to
 * one GraphQL `extensions.code` by `graphqlCodeFor`, an exhaustive switch: adding a code here
 * without mapping it there fails to compile.
 */
export enum DomainErrorCode {
  NotAuthenticated = 'NOT_AUTHENTICATED',
  LoginFailed = 'LOGIN_FAILED',
  RefreshTokenInvalid = 'REFRESH_TOKEN_INVALID',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  InvalidInput = 'INVALID_INPUT',
  IllegalTransition = 'ILLEGAL_TRANSITION',
  StaleVersion = 'STALE_VERSION',
  AlreadyExists = 'ALREADY_EXISTS',
}

/** The codes clients see in `extensions.code` (CONTRACT.md). */
export type GraphqlErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

function unmapped(code: never): never {
  throw new Error(`domain error code without a GraphQL mapping: ${String(code)}`);
}

export function graphqlCodeFor(code: DomainErrorCode): GraphqlErrorCode {
  switch (code) {
    case DomainErrorCode.NotAuthenticated:
    case DomainErrorCode.LoginFailed:
    case DomainErrorCode.RefreshTokenInvalid:
      return 'UNAUTHENTICATED';
    case DomainErrorCode.Forbidden:
      return 'FORBIDDEN';
    case DomainErrorCode.NotFound:
      return 'NOT_FOUND';
    case DomainErrorCode.InvalidInput:
    case DomainErrorCode.IllegalTransition:
      return 'BAD_USER_INPUT';
    case DomainErrorCode.StaleVersion:
    case DomainErrorCode.AlreadyExists:
      return 'CONFLICT';
    default:
      return unmapped(code);
  }
}

export function toGraphQLError(err: DomainError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: graphqlCodeFor(err.code), reason: err.code, ...err.details } });
}

export const notFound = (what: string, id?: string): DomainError =>
  new DomainError(DomainErrorCode.NotFound, id ? `${what} ${id} not found` : `${what} not found`);
export const forbidden = (message = 'not allowed for your role'): DomainError => new DomainError(DomainErrorCode.Forbidden, message);
export const invalidInput = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError(DomainErrorCode.InvalidInput, message, details);

const PG_INVALID_TEXT = '22P02';
const PG_UNIQUE = '23505';
const PG_CHECK = '23514';
const PG_FK = '23503';
const PG_RLS = '42501';

/**
 * The GraphQL shape of any error thrown by a resolver: domain errors by their code, a few
 * Postgres errors that come from bad input, and anything else as an internal error whose message
 * is not shown (it may carry SQL or secrets).
 */
export function formatResolverError(original: unknown): { message: string; code: string; extra?: Record<string, unknown> } | null {
  if (original instanceof DomainError) {
    return { message: original.message, code: graphqlCodeFor(original.code), extra: { reason: original.code, ...original.details } };
  }
  const pgCode = (original as { code?: unknown } | null)?.code;
  if (typeof pgCode === 'string') {
    if (pgCode === PG_INVALID_TEXT) return { message: 'malformed value (an id must be a UUID)', code: 'BAD_USER_INPUT' };
    if (pgCode === PG_UNIQUE) return { message: 'already exists', code: 'CONFLICT' };
    if (pgCode === PG_CHECK) return { message: `invalid value: ${(original as { constraint?: string }).constraint ?? 'check failed'}`, code: 'BAD_USER_INPUT' };
    if (pgCode === PG_FK) return { message: 'a referenced object does not exist', code: 'NOT_FOUND' };
    // A write into a tenant outside the caller's scope: do not reveal that it exists.
    if (pgCode === PG_RLS) return { message: 'not found', code: 'NOT_FOUND' };
  }
  return null;
}
