import { DomainError, DomainErrorCode, formatResolverError, graphqlCodeFor, toGraphQLError } from './domain-errors';

describe('domain error mapping', () => {
  it('maps every domain code to one of the contract codes', () => {
    const allowed = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT'];
    for (const code of Object.values(DomainErrorCode)) expect(allowed).toContain(graphqlCodeFor(code));
    expect(graphqlCodeFor(DomainErrorCode.StaleVersion)).toBe('CONFLICT');
    expect(graphqlCodeFor(DomainErrorCode.IllegalTransition)).toBe('BAD_USER_INPUT');
    expect(graphqlCodeFor(DomainErrorCode.LoginFailed)).toBe('UNAUTHENTICATED');
  });

  it('carries details into extensions', () => {
    const err = toGraphQLError(new DomainError(DomainErrorCode.IllegalTransition, 'no', { allowed: ['RESOLVED'] }));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', allowed: ['RESOLVED'] });
  });

  it('hides unknown errors and maps input-caused Postgres errors', () => {
    expect(formatResolverError(new Error('connection string postgres://secret'))).toBeNull();
    expect(formatResolverError(Object.assign(new Error('x'), { code: '22P02' }))?.code).toBe('BAD_USER_INPUT');
    expect(formatResolverError(Object.assign(new Error('x'), { code: '42501' }))?.code).toBe('NOT_FOUND');
  });
});
