// Sensor API key authentication without a database round-trip per request: results (positive and
// negative) are cached in process for a few seconds, keyed by the SHA-256 of the whole key.
import crypto from 'node:crypto';
import { apiKeyMatches, parseApiKey } from '@watchfloor/sensors';
import { Scope, type TenantDb } from '@watchfloor/tenancy';

export interface SensorPrincipal {
  tenantId: string;
  sensorId: string;
  keyId: string;
  sensorKind: string;
  declaredLog: string | null;
}

export interface SensorKeyAuthenticatorOptions {
  /** How long a lookup result is trusted: a revocation takes effect within this time. */
  cacheSeconds: number;
  /** last_used_at / last_seen_at are written at most this often per key. */
  touchIntervalMs?: number;
  maxCacheEntries?: number;
  /** Milliseconds clock (tests pass their own). */
  now?: () => number;
  onTouchError?: (err: unknown) => void;
}

interface CacheEntry {
  principal: SensorPrincipal | null;
  expiresAt: number;
}

interface KeyRow {
  keyId: string;
  tenantId: string;
  sensorId: string;
  keyHash: string;
  revokedAt: Date | null;
  sensorKind: string;
  declaredLog: string | null;
}

/** `Authorization` header value → the bearer token, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

export class SensorKeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lookups = new Map<string, Promise<SensorPrincipal | null>>();
  private readonly touchedAt = new Map<string, number>();
  private readonly touches = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly db: TenantDb,
    private readonly options: SensorKeyAuthenticatorOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The sensor a key belongs to, or null (missing, malformed, unknown, wrong secret or revoked). */
  async authenticate(authorization: string | undefined): Promise<SensorPrincipal | null> {
    const key = bearerToken(authorization);
    const parsed = key ? parseApiKey(key) : null;
    if (!key || !parsed) return null;
    const cacheKey = crypto.createHash('sha256').update(key).digest('base64');
    const now = this.now();
    const hit = this.cache.get(cacheKey);
    let principal: SensorPrincipal | null;
    if (hit && hit.expiresAt > now) {
      principal = hit.principal;
    } else {
      // Concurrent requests with the same key share one lookup.
      let pending = this.lookups.get(cacheKey);
      if (!pending) {
        pending = this.lookup(parsed.prefix, parsed.secret).finally(() => this.lookups.delete(cacheKey));
        this.lookups.set(cacheKey, pending);
      }
      principal = await pending;
      this.remember(cacheKey, principal);
    }
    if (principal) this.touch(principal);
    return principal;
  }

  /** Waits for the usage writes still running (shutdown, before the pool closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.touches]);
  }

  /** Forget every cached result (tests; an operator's "revoke now"). */
  clear(): void {
    this.cache.clear();
  }

  private remember(cacheKey: string, principal: SensorPrincipal | null): void {
    const max = this.options.maxCacheEntries ?? 10000;
    if (this.cache.size >= max && !this.cache.has(cacheKey)) {
      // Oldest first (Map keeps insertion order): random bad keys cannot grow the cache without bound.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(cacheKey);
    this.cache.set(cacheKey, { principal, expiresAt: this.now() + this.options.cacheSeconds * 1000 });
  }

  private async lookup(prefix: string, secret: string): Promise<SensorPrincipal | null> {
    // The tenant is what we are looking for, so this one read spans all tenants.
    const rows = await this.db.withScope(Scope.all('api key lookup'), (tx) =>
      tx.query<KeyRow>(
        `SELECT k.id AS "keyId", k.tenant_id AS "tenantId", k.sensor_id AS "sensorId", k.key_hash AS "keyHash", k.revoked_at AS "revokedAt",
                s.kind AS "sensorKind", s.declared_log AS "declaredLog"
           FROM api_keys k JOIN sensors s ON s.tenant_id = k.tenant_id AND s.id = k.sensor_id
          WHERE k.key_prefix = $1`,
        [prefix],
      ),
    );
    const row = rows[0];
    if (!row || row.revokedAt || !apiKeyMatches(secret, row.keyHash)) return null;
    return { tenantId: row.tenantId, sensorId: row.sensorId, keyId: row.keyId, sensorKind: row.sensorKind, declaredLog: row.declaredLog };
  }

  /** Records key use and sensor liveness at most once per interval per key, off the request path. */
  private touch(principal: SensorPrincipal): void {
    const now = this.now();
    const last = this.touchedAt.get(principal.keyId);
    if (last !== undefined && now - last < (this.options.touchIntervalMs ?? 60000)) return;
    this.touchedAt.set(principal.keyId, now);
    if (this.touchedAt.size > (this.options.maxCacheEntries ?? 10000)) {
      const oldest = this.touchedAt.keys().next().value;
      if (oldest !== undefined) this.touchedAt.delete(oldest);
    }
    const write = this.db
      .withScope(Scope.tenant(principal.tenantId), async (tx) => {
        await tx.query(`UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND id = $2`, [principal.tenantId, principal.keyId]);
        await tx.query(`UPDATE sensors SET last_seen_at = now() WHERE tenant_id = $1 AND id = $2`, [principal.tenantId, principal.sensorId]);
      })
      .catch((err) => this.options.onTouchError?.(err))
      .finally(() => this.touches.delete(write));
    this.touches.add(write);
  }
}
