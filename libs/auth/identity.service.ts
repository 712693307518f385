import type { RedisClient } from '@watchfloor/queue';
import crypto from 'node:crypto';
import type { TenantDb } from '@watchfloor/tenancy';
import { DomainError, DomainErrorCode } from '@watchfloor/errors';
import { signAccessToken, tokenAlgorithm, verifyAccessToken } from './access-tokens';
import type { UserRecord } from './auth.types';
import { resolveCaller, type Caller } from './caller';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleOptions } from './login-throttle';
import { createOidcVerifier, type OidcVerifier } from './oidc';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { issueRefreshToken, rotateRefreshToken } from './refresh-tokens';
import { isRole, type Role } from './roles';

export interface IdentityOptions {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  keyPrefix: string;
  throttle?: Partial<Omit<LoginThrottleOptions, 'keyPrefix'>>;
  oidc?: { issuer: string; audience: string } | null;
  /** Replaces the JWKS verifier built from `oidc` (tests). */
  oidcVerifier?: OidcVerifier;
  /** Seconds since the epoch; injectable for tests. */
  now?: () => number;
  /**
   * How long a resolved caller (role, memberships, disabled flag) is reused for the same user
   * within this process. 0 reads the database on every request. A disabled user or a removed
   * membership takes effect after at most this long.
   */
  callerCacheMs?: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  userId: string;
  /** The signed-in user as resolved for the tokens, so the sign-in payload need not read it again. */
  user: UserRecord;
}

const LOGIN_FAILED = 'invalid email or password, or too many attempts: try again later';

/**
 * Login, refresh and bearer-token authentication. Failures say nothing about which part was
 * wrong; unknown users cost one argon2 verification like known ones.
 */
export class IdentityService {
  private readonly throttle: LoginThrottle;
  private readonly oidc: OidcVerifier | null;
  private readonly now: () => number;
  private readonly callers = new Map<string, { caller: Caller; until: number }>();

  constructor(
    private readonly db: TenantDb,
    redis: RedisClient,
    private readonly options: IdentityOptions,
  ) {
    this.throttle = new LoginThrottle(redis, { ...DEFAULT_LOGIN_THROTTLE, ...options.throttle, keyPrefix: options.keyPrefix });
    this.oidc = options.oidcVerifier ?? (options.oidc ? createOidcVerifier(options.oidc.issuer, options.oidc.audience) : null);
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  async login(email: string, password: string, ip: string): Promise<IssuedTokens> {
    const normalised = email.trim().toLowerCase();
    const blocked = await this.throttle.isBlocked(normalised, ip);
    const [user] = await this.db.withoutTenant((tx) =>
      tx.query<{ id: string; password_hash: string | null; role: string; disabled: boolean }>(
        `SELECT id, password_hash, role, disabled FROM users WHERE lower(email) = $1`,
        [normalised],
      ),
    );
    // Always one argon2 verification, whether or not the user exists or is blocked.
    const valid = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (blocked || !user || !user.password_hash || !valid || user.disabled || !isRole(user.role)) {
      if (!blocked) await this.throttle.recordFailure(normalised, ip);
      throw new DomainError(DomainErrorCode.LoginFailed, LOGIN_FAILED);
    }
    await this.throttle.recordSuccess(normalised, ip);
    const caller = await resolveCaller(this.db, { userId: user.id }, 'login');
    if (!caller) throw new DomainError(DomainErrorCode.LoginFailed, LOGIN_FAILED);
    const refresh = await this.db.withoutTenant(async (tx) => {
      await tx.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [user.id]);
      return issueRefreshToken(tx, user.id, this.options.refreshTtlSeconds);
    });
    return { ...this.accessTokenFor(caller), refreshToken: refresh.token, userId: user.id, user: userRecordOf(caller) };
  }

  async refresh(presented: string): Promise<IssuedTokens> {
    const result = await this.db.withoutTenant((tx) => rotateRefreshToken(tx, presented, this.options.refreshTtlSeconds));
    // Thrown after the transaction: a reused token's family revocation must commit.
    if (result.kind !== 'rotated') throw new DomainError(DomainErrorCode.RefreshTokenInvalid, 'refresh token is invalid, expired or already used');
    const caller = await resolveCaller(this.db, { userId: result.userId }, 'refresh');
    if (!caller) throw new DomainError(DomainErrorCode.RefreshTokenInvalid, 'refresh token is invalid, expired or already used');
    return { ...this.accessTokenFor(caller), refreshToken: result.token, userId: caller.userId, user: userRecordOf(caller) };
  }

  private accessTokenFor(caller: Caller): { accessToken: string; expiresAt: Date } {
    const now = this.now();
    const accessToken = signAccessToken(
      this.options.jwtSecret,
      { sub: caller.userId, role: caller.role as Role, tenantIds: caller.allTenants ? [] : [...caller.tenantIds] },
      now,
      this.options.accessTtlSeconds,
    );
    return { accessToken, expiresAt: new Date((now + this.options.accessTtlSeconds) * 1000) };
  }

  private async cachedCaller(userId: string, requestId: string): Promise<Caller | null> {
    const ttl = this.options.callerCacheMs ?? 0;
    const hit = ttl > 0 ? this.callers.get(userId) : undefined;
    if (hit && hit.until > Date.now()) return { ...hit.caller, requestId };
    const caller = await resolveCaller(this.db, { userId }, requestId);
    if (caller && ttl > 0) {
      if (this.callers.size > 10000) this.callers.clear();
      this.callers.set(userId, { caller, until: Date.now() + ttl });
    }
    return caller;
  }

  /**
   * The caller behind an `Authorization` header value: null without one, an error for a bad one.
   * Role and tenants come from the database, not the token, so revocations apply at once.
   */
  async authenticate(authorization: string | undefined | null, requestId: string = crypto.randomUUID()): Promise<Caller | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new DomainError(DomainErrorCode.NotAuthenticated, 'the Authorization header must be "Bearer <token>"');
    const token = match[1];
    const alg = tokenAlgorithm(token);
    if (alg === 'HS256') {
      const check = verifyAccessToken(this.options.jwtSecret, token, this.now());
      if (!check.ok) throw new DomainError(DomainErrorCode.NotAuthenticated, `invalid access token: ${check.reason}`);
      const caller = await this.cachedCaller(check.claims.sub, requestId);
      if (!caller) throw new DomainError(DomainErrorCode.NotAuthenticated, 'invalid access token: unknown or disabled user');
      return caller;
    }
    if (this.oidc && alg) {
      const identity = await this.oidc(token);
      if (!identity) throw new DomainError(DomainErrorCode.NotAuthenticated, 'invalid SSO token');
      const caller = await resolveCaller(this.db, { oidcSubject: identity.subject, email: identity.email ?? undefined }, requestId);
      if (!caller) throw new DomainError(DomainErrorCode.NotAuthenticated, 'SSO token maps to no Watchfloor user');
      return caller;
    }
    throw new DomainError(DomainErrorCode.NotAuthenticated, 'invalid access token');
  }
}

/** The user record of a resolved caller: its own memberships (all of them, read in the all scope) as tenantIds. */
function userRecordOf(caller: Caller): UserRecord {
  return { id: caller.userId, email: caller.email, displayName: caller.displayName, role: caller.role, tenantIds: [...caller.tenantIds] };
}

/** JWT_SECRET, or in development and test a random one for this process (tokens die with it). */
export function resolveJwtSecret(configured: string | undefined, nodeEnv: string, hasSso: boolean, warn: (message: string) => void): string {
  if (configured) return configured;
  if (nodeEnv === 'production' && !hasSso) throw new Error('JWT_SECRET is required in production');
  warn('JWT_SECRET is not set: using a random secret for this process; tokens will not survive a restart');
  return crypto.randomBytes(48).toString('base64url');
}
