import { DomainError, DomainErrorCode } from '@watchfloor/errors';
import { PagingError } from '@watchfloor/paging';
import { SlaError } from '@watchfloor/sla';

/** The codes libs/sla, libs/paging and the rule store refuse an operation with. */
export type ServiceErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

function unmapped(code: never): never {
  throw new Error(`service error code without a domain mapping: ${String(code)}`);
}

/** One exhaustive switch: a new service code that is not mapped here fails to compile. */
export function domainCodeFor(code: ServiceErrorCode): DomainErrorCode {
  switch (code) {
    case 'BAD_USER_INPUT':
      return DomainErrorCode.InvalidInput;
    case 'NOT_FOUND':
      return DomainErrorCode.NotFound;
    case 'CONFLICT':
      return DomainErrorCode.AlreadyExists;
    case 'FORBIDDEN':
      return DomainErrorCode.Forbidden;
    default:
      return unmapped(code);
  }
}

export function serviceError(code: ServiceErrorCode, message: string): DomainError {
  return new DomainError(domainCodeFor(code), message);
}

/** Runs a service call; its SlaError / PagingError becomes the DomainError the API formats. */
export async function mapServiceErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof SlaError || err instanceof PagingError) throw serviceError(err.code, err.message);
    throw err;
  }
}
