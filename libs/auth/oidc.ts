/**
 * SSO access tokens (RS256 and friends) from an OIDC issuer, verified against the issuer's JWKS
 * with jose's createRemoteJWKSet (keys cached and refreshed by jose). jose 6 is ESM-only, so it is
 * required lazily: only processes with OIDC configured load it.
 */
export interface OidcIdentity {
  subject: string;
  email: string | null;
}

export type OidcVerifier = (token: string) => Promise<OidcIdentity | null>;

export function createOidcVerifier(issuer: string, audience: string): OidcVerifier {
  let jwks: unknown;
  return async (token) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jose = require('jose') as typeof import('jose');
    if (!jwks) {
      const discovery = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`));
      if (!discovery.ok) throw new Error(`OIDC discovery failed: HTTP ${discovery.status}`);
      const { jwks_uri } = (await discovery.json()) as { jwks_uri?: string };
      if (!jwks_uri) throw new Error('OIDC discovery document has no jwks_uri');
      jwks = jose.createRemoteJWKSet(new URL(jwks_uri));
    }
    try {
      const { payload } = await jose.jwtVerify(token, jwks as Parameters<typeof jose.jwtVerify>[1], {
        issuer,
        audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
      });
      if (typeof payload.sub !== 'string') return null;
      return { subject: payload.sub, email: typeof payload.email === 'string' ? payload.email : null };
    } catch {
      return null;
    }
  };
}
