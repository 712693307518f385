// Webhook endpoints of a tenant: URL vetted against SSRF at creation, secrets sealed at rest
// and shown once (to the creator), never returned afterwards.
import { promises as dns } from 'node:dns';
import type { SecretBox } from '@watchfloor/secrets';
import { isUuid, type ScopedTx } from '@watchfloor/tenancy';
import { type CircuitState, circuitStatus, type CircuitStatus, CLOSED_CIRCUIT } from './circuit-breaker';
import { PAGERDUTY_ROUTING_KEY_LENGTH } from './pagerduty';
import { PagingError } from './paging-errors';
import { generateWebhookSecret, parseWebhookSecret } from './standard-webhooks';
import { checkWebhookUrl } from './webhook-url-guard';

export type WebhookKind = 'PAGERDUTY' | 'STANDARD';

export interface WebhookEndpointInput {
  tenantId: string;
  name: string;
  kind: WebhookKind;
  url: string;
  /** STANDARD: 'whsec_<base64>'; generated when absent. */
  secret?: string | null;
  /** PAGERDUTY: the 32-character integration key. */
  routingKey?: string | null;
}

export interface WebhookEndpointRecord {
  id: string;
  tenantId: string;
  name: string;
  kind: WebhookKind;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  circuit: CircuitStatus;
  /** While a rotated-out secret still signs deliveries (beside the current one): until when. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpointRecord;
  /** The STANDARD signing secret, returned this once (generated or as given); null for PAGERDUTY. */
  secret: string | null;
}

export interface UrlVettingOptions {
  /** WEBHOOK_ALLOW_PRIVATE: http and private/loopback addresses (development). */
  allowPrivate: boolean;
  /** A and AAAA lookup; default node:dns. */
  resolve?: (host: string) => Promise<string[]>;
}

/** A and AAAA answers of a host name (both families; one failing family is not an error). */
export async function resolveHostAddresses(host: string): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([dns.resolve4(host), dns.resolve6(host)]);
  const out = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (out.length === 0 && v4.status === 'rejected') throw v4.reason;
  return out;
}

interface EndpointRow {
  id: string;
  tenant_id: string;
  name: string;
  kind: WebhookKind;
  url: string;
  enabled: boolean;
  disabled_reason: string | null;
  circuit: Record<string, unknown>;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, tenant_id, name, kind, url, enabled, disabled_reason, circuit, previous_secret_expires_at, created_at, updated_at';

/** The circuit stored in webhook_endpoints.circuit (the schema default `{"state":"closed","failures":0}` reads as closed). */
export function storedCircuit(raw: unknown): CircuitState {
  const c = (raw ?? {}) as Record<string, unknown>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    consecutiveFailures: num(c.consecutiveFailures, num(c.failures, 0)),
    openUntil: typeof c.openUntil === 'number' ? c.openUntil : null,
    openCount: num(c.openCount, 0),
  };
}

function toRecord(row: EndpointRow, now: Date): WebhookEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    circuit: circuitStatus(storedCircuit(row.circuit), now),
    previousSecretExpiresAt: row.previous_secret_expires_at && row.previous_secret_expires_at > now ? row.previous_secret_expires_at : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Create an endpoint. The URL must pass the SSRF guard now (and is checked again before every
 * delivery). Throws PagingError BAD_USER_INPUT (bad name/kind/URL/secret/routing key) or NOT_FOUND (tenant).
 */
export async function createWebhookEndpoint(
  tx: ScopedTx,
  input: WebhookEndpointInput,
  options: UrlVettingOptions & { secretBox: SecretBox },
): Promise<CreatedWebhookEndpoint> {
  const errors: string[] = [];
  if (!isUuid(input?.tenantId)) errors.push(`tenantId must be a tenant id, got ${JSON.stringify(input?.tenantId)}`);
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > 200) errors.push('name must be 1–200 characters');
  if (input?.kind !== 'PAGERDUTY' && input?.kind !== 'STANDARD') errors.push(`kind must be PAGERDUTY or STANDARD, got ${JSON.stringify(input?.kind)}`);
  if (typeof input?.url !== 'string' || input.url.length > 2048) errors.push('url must be a string of at most 2048 characters');
  let secret: string | null = null;
  let routingKey: string | null = null;
  if (input?.kind === 'STANDARD') {
    if (input.routingKey) errors.push('routingKey is for PAGERDUTY endpoints; STANDARD endpoints use secret');
    if (input.secret !== undefined && input.secret !== null) {
      const parsed = parseWebhookSecret(input.secret);
      if (!parsed.ok) errors.push(`secret: ${parsed.error}`);
      else secret = input.secret;
    } else secret = generateWebhookSecret();
  } else if (input?.kind === 'PAGERDUTY') {
    if (input.secret) errors.push('secret is for STANDARD endpoints; PAGERDUTY endpoints use routingKey');
    if (typeof input.routingKey !== 'string' || input.routingKey.length !== PAGERDUTY_ROUTING_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(input.routingKey)) {
      errors.push(`routingKey is required for PAGERDUTY and must be ${PAGERDUTY_ROUTING_KEY_LENGTH} printable characters`);
    } else routingKey = input.routingKey;
  }
  if (errors.length > 0) throw new PagingError('BAD_USER_INPUT', errors.join('; '));

  const check = await checkWebhookUrl(input.url, { allowPrivate: options.allowPrivate, resolve: options.resolve ?? resolveHostAddresses });
  if (!check.ok) throw new PagingError('BAD_USER_INPUT', `url refused: ${check.reason}`);
  const tenant = await tx.query(`SELECT id FROM tenants WHERE id = $1`, [input.tenantId]);
  if (tenant.length === 0) throw new PagingError('NOT_FOUND', `tenant ${input.tenantId} not found`);

  const rows = await tx.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (tenant_id, name, kind, url, secret_ciphertext, routing_key_ciphertext, circuit)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      input.tenantId,
      name,
      input.kind,
      check.url,
      secret === null ? null : options.secretBox.seal(secret),
      routingKey === null ? null : options.secretBox.seal(routingKey),
      JSON.stringify(CLOSED_CIRCUIT),
    ],
  );
  return { endpoint: toRecord(rows[0], new Date()), secret };
}

/** The tenant's endpoints, without secrets. */
export async function listWebhookEndpoints(tx: ScopedTx, tenantId: string, now: Date = new Date()): Promise<WebhookEndpointRecord[]> {
  if (!isUuid(tenantId)) throw new PagingError('BAD_USER_INPUT', `tenantId must be a tenant id, got ${JSON.stringify(tenantId)}`);
  const rows = await tx.query<EndpointRow>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
  return rows.map((r) => toRecord(r, now));
}

/** Default and bounds of the overlap during which a rotated-out secret keeps signing. */
export const SECRET_ROTATION_DEFAULT_OVERLAP_SECONDS = 86400;
export const SECRET_ROTATION_MAX_OVERLAP_SECONDS = 7 * 86400;

export interface SecretRotationInput {
  endpointId: string;
  /** 'whsec_<base64>'; generated when absent. */
  secret?: string | null;
  /** How long the current secret keeps signing beside the new one (0: replaced at once). */
  overlapSeconds?: number;
}

/**
 * Replace a STANDARD endpoint's signing secret. For `overlapSeconds` deliveries carry two
 * signatures (new, then old), as Standard Webhooks allows, so the receiver can switch to the new
 * secret at its own pace without rejecting a page; a secret rotated out earlier is dropped.
 * Throws PagingError NOT_FOUND (no such endpoint in the caller's scope) or BAD_USER_INPUT.
 */
export async function rotateWebhookSecret(tx: ScopedTx, input: SecretRotationInput, options: { secretBox: SecretBox }): Promise<CreatedWebhookEndpoint> {
  if (!isUuid(input?.endpointId)) throw new PagingError('BAD_USER_INPUT', `endpointId must be an endpoint id, got ${JSON.stringify(input?.endpointId)}`);
  const overlap = input.overlapSeconds ?? SECRET_ROTATION_DEFAULT_OVERLAP_SECONDS;
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > SECRET_ROTATION_MAX_OVERLAP_SECONDS) {
    throw new PagingError('BAD_USER_INPUT', `overlapSeconds must be an integer from 0 to ${SECRET_ROTATION_MAX_OVERLAP_SECONDS} (7 days), got ${JSON.stringify(input.overlapSeconds)}`);
  }
  let secret: string;
  if (input.secret !== undefined && input.secret !== null) {
    const parsed = parseWebhookSecret(input.secret);
    if (!parsed.ok) throw new PagingError('BAD_USER_INPUT', `secret: ${parsed.error}`);
    secret = input.secret;
  } else {
    secret = generateWebhookSecret();
  }
  const [current] = await tx.query<{ kind: WebhookKind; secret_ciphertext: string | null }>(
    `SELECT kind, secret_ciphertext FROM webhook_endpoints WHERE id = $1 FOR UPDATE`,
    [input.endpointId],
  );
  if (!current) throw new PagingError('NOT_FOUND', `webhook endpoint ${input.endpointId} not found`);
  if (current.kind !== 'STANDARD') throw new PagingError('BAD_USER_INPUT', 'only STANDARD endpoints have a signing secret (PAGERDUTY endpoints use a routing key)');
  if (current.secret_ciphertext && options.secretBox.open(current.secret_ciphertext) === secret) {
    throw new PagingError('BAD_USER_INPUT', 'secret: this is the current secret; rotate to a new one');
  }
  const keepPrevious = overlap > 0 && current.secret_ciphertext !== null;
  const rows = await tx.query<EndpointRow>(
    `UPDATE webhook_endpoints
        SET secret_ciphertext = $2, previous_secret_ciphertext = $3,
            previous_secret_expires_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() + make_interval(secs => $4) END, updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [input.endpointId, options.secretBox.seal(secret), keepPrevious ? current.secret_ciphertext : null, overlap],
  );
  return { endpoint: toRecord(rows[0], new Date()), secret };
}
