import crypto from 'node:crypto';
import { isRole, type Role } from './roles';

/**
 * Access tokens: compact JWS, HS256, claims sub / role / tenantIds / iat / exp.
 * Written on node:crypto rather than jose because jose 6 is ESM-only and the test runner loads
 * CommonJS; HS256 is small enough to implement exactly (fixed alg, constant-time compare).
 * OIDC RS256 tokens go through jose (see oidc.ts).
 */
export interface AccessClaims {
  sub: string;
  role: Role;
  tenantIds: string[];
  iat: number;
  exp: number;
}

export type AccessTokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: string };

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(secret: string, input: string): string {
  return crypto.createHmac('sha256', secret).update(input).digest('base64url');
}

export function signAccessToken(secret: string, claims: { sub: string; role: Role; tenantIds: string[] }, nowSeconds: number, ttlSeconds: number): string {
  const payload: AccessClaims = { sub: claims.sub, role: claims.role, tenantIds: claims.tenantIds, iat: nowSeconds, exp: nowSeconds + ttlSeconds };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${sign(secret, body)}`;
}

/** Verifies signature, algorithm and expiry; `nowSeconds` is passed in (no clock of its own). */
export function verifyAccessToken(secret: string, token: string, nowSeconds: number): AccessTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [h, p, s] = parts;
  let header: { alg?: unknown };
  let payload: Partial<AccessClaims>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (header.alg !== 'HS256') return { ok: false, reason: 'unexpected algorithm' };
  const expected = Buffer.from(sign(secret, `${h}.${p}`));
  const given = Buffer.from(s);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'bad signature' };
  if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return { ok: false, reason: 'token expired' };
  if (typeof payload.sub !== 'string' || !isRole(payload.role) || !Array.isArray(payload.tenantIds)) return { ok: false, reason: 'missing claims' };
  return { ok: true, claims: payload as AccessClaims };
}

/** Is this token one of ours (HS256) or possibly an SSO token (RS256)? Decides the verifier. */
export function tokenAlgorithm(token: string): string | null {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    return typeof header.alg === 'string' ? header.alg : null;
  } catch {
    return null;
  }
}
