/** Why a report could not be produced; the API maps each code to a GraphQL/HTTP error. */
export enum ReportingErrorCode {
  InvalidPeriod = 'INVALID_PERIOD',
  InvalidTimezone = 'INVALID_TIMEZONE',
  InvalidTenant = 'INVALID_TENANT',
  ReportNotFound = 'REPORT_NOT_FOUND',
}

export class ReportingError extends Error {
  constructor(
    readonly code: ReportingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReportingError';
  }
}
