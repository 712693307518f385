/** Codes the API maps to GraphQL `extensions.code` (one exhaustive switch on the API side). */
export type DomainErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

/** A refused SLA operation; `message` names what is wrong and is safe to show to the caller. */
export class SlaError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlaError';
  }
}
