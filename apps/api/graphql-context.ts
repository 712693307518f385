import crypto from 'node:crypto';
import { DomainError } from '@watchfloor/errors';
import { type ApiContext, type IdentityService, newApiContext } from '@watchfloor/auth';

interface HttpRequestLike {
  id?: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Resolves the caller for an HTTP request; a bad token is kept as authError, not thrown here. */
export async function httpContext(identity: IdentityService, request: HttpRequestLike): Promise<ApiContext> {
  const requestId = request.id ?? crypto.randomUUID();
  const header = request.headers.authorization;
  const authorization = Array.isArray(header) ? header[0] : header;
  try {
    const caller = await identity.authenticate(authorization, requestId);
    return newApiContext({ caller, authError: null, requestId, ip: request.ip ?? 'unknown' });
  } catch (err) {
    if (err instanceof DomainError) return newApiContext({ caller: null, authError: err, requestId, ip: request.ip ?? 'unknown' });
    throw err;
  }
}
