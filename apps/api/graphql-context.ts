import crypto from 'node:crypto';
import { DomainError } from '@watchfloor/errors';
import { type ApiContext, callerScope, type IdentityService, newApiContext, ReadSession } from '@watchfloor/auth';
import type { TenantDb } from '@watchfloor/tenancy';

interface HttpRequestLike {
  id?: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Resolves the caller for an HTTP request; a bad token is kept as authError, not thrown here. */
export async function httpContext(identity: IdentityService, db: TenantDb, request: HttpRequestLike): Promise<ApiContext> {
  const requestId = request.id ?? crypto.randomUUID();
  const header = request.headers.authorization;
  const authorization = Array.isArray(header) ? header[0] : header;
  try {
    const caller = await identity.authenticate(authorization, requestId);
    const ctx = newApiContext({ caller, authError: null, requestId, ip: request.ip ?? 'unknown' });
    ctx.session = caller ? new ReadSession(db, callerScope(caller)) : null;
    return ctx;
  } catch (err) {
    if (err instanceof DomainError) return newApiContext({ caller: null, authError: err, requestId, ip: request.ip ?? 'unknown' });
    throw err;
  }
}

/** Commits each HTTP request's shared read transaction once its response is ready. */
export const readSessionPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse(rc: { contextValue: ApiContext }) {
        await rc.contextValue.session?.close();
      },
    };
  },
};
