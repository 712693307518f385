/** Codes the API maps to GraphQL `extensions.code` (same set as libs/sla's SlaError). */
export type PagingErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

/** A refused paging operation; `message` names what is wrong and is safe to show to the caller. */
export class PagingError extends Error {
  constructor(
    readonly code: PagingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PagingError';
  }
}
