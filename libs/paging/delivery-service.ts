// Delivering one webhook: claim the row, check the circuit and the URL (again: DNS changes), build
// and sign the request from the stored payload, POST to the vetted address, record the attempt
// and decide: delivered, retry later (BullMQ delayed job), failed for good, dead, or gone (410).
import type { SecretBox } from '@watchfloor/secrets';
import { Scope, type ScopedTx, type TenantDb, isUuid } from '@watchfloor/tenancy';
import { type CircuitOptions, circuitAllows, circuitOnResult } from './circuit-breaker';
import { classifyDeliveryOutcome, type DeliveryOutcome, nextRetryDelayMs } from './delivery-retry';
import type { DeliveryPayload } from './escalation-service';
import { buildPagerDutyEvent, PAGERDUTY_SUMMARY_MAX, truncateText } from './pagerduty';
import { buildPageRequest, pagerDutyRequest, signedStandardRequest, type PageRequestResult, type PagingEndpoint } from './page-request';
import { PagingError } from './paging-errors';
import { resolveHostAddresses, storedCircuit } from './webhook-endpoints';
import { postWebhook, type WebhookPost, type WebhookPostResult } from './webhook-transport';
import { checkWebhookUrl } from './webhook-url-guard';

export type DeliveryStatus = 'PENDING' | 'DELIVERING' | 'DELIVERED' | 'FAILED' | 'DEAD';

export interface DeliveryOptions {
  secretBox: SecretBox;
  /** WEBHOOK_ALLOW_PRIVATE */
  allowPrivate: boolean;
  /** WEBHOOK_TIMEOUT_MS */
  timeoutMs: number;
  /** WEBHOOK_MAX_ATTEMPTS: attempts per delivery cycle before DEAD. */
  maxAttempts: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  circuit?: CircuitOptions;
  resolve?: (host: string) => Promise<string[]>;
  now?: () => Date;
  random?: () => number;
  transport?: (req: WebhookPost) => Promise<WebhookPostResult>;
  /** PagerDuty payload.source. */
  source?: string;
}

export const DEFAULT_CIRCUIT: CircuitOptions = { failureThreshold: 5, cooldownMs: 60_000, maxCooldownMs: 15 * 60_000 };
export const DEFAULT_RETRY_BASE_MS = 5_000;
export const DEFAULT_RETRY_MAX_MS = 3_600_000;

export type DeliveryRun =
  | { result: 'delivered'; attempt: number; statusCode: number }
  | { result: 'retry'; attempt: number; retryAt: Date; error: string }
  | { result: 'failed'; attempt: number | null; error: string }
  | { result: 'dead'; attempt: number; error: string }
  | { result: 'gone'; attempt: number }
  /** The endpoint's circuit is open: try again at retryAt (no attempt spent). */
  | { result: 'postponed'; retryAt: Date }
  /** Nothing to do: delivered already, being delivered by another worker, or not found. */
  | { result: 'skipped'; reason: string };

interface ClaimRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  message_id: string;
  idempotency_key: string;
  event_type: string;
  payload: DeliveryPayload;
  attempt_count: number;
  kind: 'STANDARD' | 'PAGERDUTY';
  url: string;
  enabled: boolean;
  disabled_reason: string | null;
  secret_ciphertext: string | null;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Date | null;
  routing_key_ciphertext: string | null;
  circuit: Record<string, unknown>;
}

/** The request of a stored delivery at `attemptAt`: same body and webhook-id on every retry. */
export function buildDeliveryRequest(delivery: { idempotencyKey: string; payload: DeliveryPayload }, endpoint: PagingEndpoint, attemptAt: Date, source = 'watchfloor'): PageRequestResult {
  const { payload, idempotencyKey } = delivery;
  if (payload.report) return buildTenantMessageRequest('report.ready', { report: payload.report }, idempotencyKey, endpoint, attemptAt);
  if (!payload.incident) return { ok: false, error: 'delivery payload has no incident' };
  if (payload.page) {
    return buildPageRequest({ page: { ...payload.page, dueAt: new Date(payload.page.dueAt) }, endpoint, incident: payload.incident, source, attemptAt });
  }
  if (!payload.sla) return { ok: false, error: 'delivery payload has neither a page nor an SLA notification' };
  const sla = payload.sla;
  if (endpoint.kind === 'PAGERDUTY') {
    // A trigger with the same dedup_key (the incident id): PagerDuty adds it to the incident's alert.
    const event = buildPagerDutyEvent({ routingKey: endpoint.routingKey, action: 'trigger', incident: payload.incident, source });
    if (event.payload) {
      event.payload.summary = truncateText(`[SLA ${sla.type === 'sla.breached' ? 'breached' : 'warning'}: ${sla.clock}] ${event.payload.summary}`, PAGERDUTY_SUMMARY_MAX);
      event.payload.custom_details = { ...event.payload.custom_details, sla: { event: sla.type, clock: sla.clock, due_at: sla.dueAt, at: sla.at } };
    }
    return pagerDutyRequest(event, endpoint.url);
  }
  return signedStandardRequest(sla.type, { incident: payload.incident, sla: { clock: sla.clock, dueAt: sla.dueAt, at: sla.at } }, new Date(sla.at), idempotencyKey, endpoint, attemptAt);
}

/** A Standard Webhook about the tenant rather than an incident (PagerDuty has no such event). */
function buildTenantMessageRequest(type: 'report.ready', data: Record<string, unknown>, idempotencyKey: string, endpoint: PagingEndpoint, attemptAt: Date): PageRequestResult {
  if (endpoint.kind !== 'STANDARD') return { ok: false, error: `${type} is sent to STANDARD endpoints only` };
  return signedStandardRequest(type, data, attemptAt, idempotencyKey, endpoint, attemptAt);
}

/** The current secret, then one rotated out whose overlap has not ended (Standard Webhooks: several signatures). */
function signingSecrets(
  row: { secret_ciphertext: string | null; previous_secret_ciphertext: string | null; previous_secret_expires_at: Date | null },
  box: SecretBox,
  at: Date,
): string[] {
  const secrets = row.secret_ciphertext ? [box.open(row.secret_ciphertext)] : [];
  if (row.previous_secret_ciphertext && row.previous_secret_expires_at && row.previous_secret_expires_at > at) secrets.push(box.open(row.previous_secret_ciphertext));
  return secrets;
}

/** DNS trouble is worth retrying; a refused address or scheme is not. */
const transientUrlRefusal = (reason: string) => /^could not resolve|resolves to no address/.test(reason);

/**
 * One delivery attempt of a PENDING delivery. Safe to call concurrently and repeatedly: the row
 * is claimed (status DELIVERING with a lease) before the request, so one worker sends it.
 * The caller schedules `retryAt` for 'retry' and 'postponed'.
 */
export async function attemptDelivery(db: TenantDb, tenantId: string, deliveryId: string, opts: DeliveryOptions): Promise<DeliveryRun> {
  if (!isUuid(tenantId) || !isUuid(deliveryId)) return { result: 'skipped', reason: 'not a delivery id' };
  const clock = opts.now ?? (() => new Date());
  const leaseMs = opts.timeoutMs + 30_000;
  const circuitOpts = opts.circuit ?? DEFAULT_CIRCUIT;

  const claimed = await db.withScope(Scope.tenant(tenantId), async (tx) => {
    const now = clock();
    const rows = await tx.query<ClaimRow>(
      `SELECT d.id, d.tenant_id, d.endpoint_id, d.message_id, d.idempotency_key, d.event_type, d.payload, d.attempt_count, d.status, d.next_attempt_at,
              e.kind, e.url, e.enabled, e.disabled_reason, e.secret_ciphertext, e.previous_secret_ciphertext, e.previous_secret_expires_at, e.routing_key_ciphertext, e.circuit
       FROM deliveries d JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
       WHERE d.tenant_id = $1 AND d.id = $2 FOR UPDATE OF d`,
      [tenantId, deliveryId],
    );
    const row = rows[0] as (ClaimRow & { status: DeliveryStatus; next_attempt_at: Date | null }) | undefined;
    if (!row) return { skip: 'delivery not found' } as const;
    const leaseExpired = row.status === 'DELIVERING' && row.next_attempt_at !== null && row.next_attempt_at.getTime() <= now.getTime();
    if (row.status !== 'PENDING' && !leaseExpired) return { skip: `delivery is ${row.status}` } as const;
    if (!row.enabled) {
      await tx.query(`UPDATE deliveries SET status = 'FAILED', next_attempt_at = NULL, last_error = $3 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        deliveryId,
        `endpoint disabled: ${row.disabled_reason ?? 'no reason given'}`,
      ]);
      return { failed: `endpoint disabled: ${row.disabled_reason ?? 'no reason given'}` } as const;
    }
    const circuit = storedCircuit(row.circuit);
    if (!circuitAllows(circuit, now)) {
      const retryAt = new Date(circuit.openUntil!);
      await tx.query(`UPDATE deliveries SET next_attempt_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, deliveryId, retryAt]);
      return { postponed: retryAt } as const;
    }
    await tx.query(`UPDATE deliveries SET status = 'DELIVERING', next_attempt_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, deliveryId, new Date(now.getTime() + leaseMs)]);
    return { row } as const;
  });
  if ('skip' in claimed) return { result: 'skipped', reason: claimed.skip! };
  if ('failed' in claimed) return { result: 'failed', attempt: null, error: claimed.failed! };
  if ('postponed' in claimed) return { result: 'postponed', retryAt: claimed.postponed! };
  const row = claimed.row!;

  // Build, vet, send.
  const attemptAt = clock();
  let outcome: DeliveryOutcome;
  let statusCode: number | null = null;
  let error: string | null = null;
  let excerpt: string | null = null;
  let latencyMs: number | null = null;
  let retryAfter: string | null = null;
  let endpoint: PagingEndpoint | null = null;
  try {
    endpoint =
      row.kind === 'PAGERDUTY'
        ? { kind: 'PAGERDUTY', url: row.url, routingKey: row.routing_key_ciphertext ? opts.secretBox.open(row.routing_key_ciphertext) : '' }
        : { kind: 'STANDARD', url: row.url, secrets: signingSecrets(row, opts.secretBox, attemptAt) };
  } catch (e) {
    error = `cannot open the endpoint's sealed secret: ${(e as Error).message}`;
  }
  const built = endpoint ? buildDeliveryRequest({ idempotencyKey: row.idempotency_key, payload: row.payload }, endpoint, attemptAt, opts.source) : null;
  if (!built || !built.ok) {
    outcome = 'fail';
    error ??= built && !built.ok ? built.error : 'request could not be built';
  } else {
    const check = await checkWebhookUrl(row.url, { allowPrivate: opts.allowPrivate, resolve: opts.resolve ?? resolveHostAddresses });
    if (!check.ok) {
      outcome = transientUrlRefusal(check.reason) ? 'retry' : 'fail';
      error = `url refused: ${check.reason}`;
    } else {
      const res = await (opts.transport ?? postWebhook)({
        url: check.url,
        address: check.address,
        family: check.family,
        headers: built.request.headers,
        body: built.request.body,
        timeoutMs: opts.timeoutMs,
      });
      latencyMs = res.latencyMs;
      if (res.ok) {
        statusCode = res.statusCode;
        excerpt = res.excerpt;
        const ra = res.headers['retry-after'];
        retryAfter = Array.isArray(ra) ? ra[0] : (ra ?? null);
        outcome = classifyDeliveryOutcome({ statusCode });
        if (outcome !== 'delivered') error = `HTTP ${statusCode}`;
      } else {
        outcome = classifyDeliveryOutcome({ networkError: !res.timedOut, timedOut: res.timedOut });
        error = res.error;
      }
    }
  }

  return db.withScope(Scope.tenant(tenantId), async (tx) => {
    const now = clock();
    const attemptInCycle = row.attempt_count + 1;
    const [{ n }] = await tx.query<{ n: number }>(`SELECT coalesce(max(attempt), 0) + 1 AS n FROM delivery_attempts WHERE tenant_id = $1 AND delivery_id = $2`, [tenantId, deliveryId]);
    await tx.query(
      `INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, status_code, latency_ms, error, response_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, deliveryId, n, statusCode, latencyMs, error, excerpt],
    );
    // Only answers from the endpoint move its circuit (not our own refusals).
    if (statusCode !== null || latencyMs !== null) {
      const [ep] = await tx.query<{ circuit: Record<string, unknown> }>(`SELECT circuit FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, row.endpoint_id]);
      const next = circuitOnResult(storedCircuit(ep?.circuit), outcome, now, circuitOpts);
      await tx.query(`UPDATE webhook_endpoints SET circuit = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, row.endpoint_id, JSON.stringify(next)]);
    }
    const set = async (status: DeliveryStatus, nextAttemptAt: Date | null, extra = '') =>
      tx.query(
        `UPDATE deliveries SET status = $3, attempt_count = $4, next_attempt_at = $5, last_status_code = $6, last_error = $7${extra} WHERE tenant_id = $1 AND id = $2`,
        [tenantId, deliveryId, status, attemptInCycle, nextAttemptAt, statusCode, error],
      );
    switch (outcome) {
      case 'delivered':
        await set('DELIVERED', null, ', delivered_at = now()');
        return { result: 'delivered', attempt: attemptInCycle, statusCode: statusCode! };
      case 'gone':
        await set('FAILED', null);
        await tx.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
          tenantId,
          row.endpoint_id,
          `receiver answered 410 Gone at ${now.toISOString()}`,
        ]);
        return { result: 'gone', attempt: attemptInCycle };
      case 'fail':
        await set('FAILED', null);
        return { result: 'failed', attempt: attemptInCycle, error: error ?? 'failed' };
      case 'retry': {
        if (attemptInCycle >= opts.maxAttempts) {
          await set('DEAD', null);
          return { result: 'dead', attempt: attemptInCycle, error: error ?? 'retries exhausted' };
        }
        const delay = nextRetryDelayMs(attemptInCycle, {
          baseMs: opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
          maxMs: opts.retryMaxMs ?? DEFAULT_RETRY_MAX_MS,
          retryAfterHeader: retryAfter,
          now,
          random: opts.random ?? Math.random,
        });
        const retryAt = new Date(now.getTime() + delay);
        await set('PENDING', retryAt);
        return { result: 'retry', attempt: attemptInCycle, retryAt, error: error ?? 'retry' };
      }
    }
  });
}

export interface DeliveryAttemptView {
  attempt: number;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  responseExcerpt: string | null;
  createdAt: Date;
}

export interface DeliveryView {
  id: string;
  tenantId: string;
  endpointId: string;
  endpointName: string;
  endpointKind: 'STANDARD' | 'PAGERDUTY';
  incidentId: string | null;
  messageId: string;
  idempotencyKey: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  attempts: DeliveryAttemptView[];
}

export interface DeliveryConnection {
  edges: Array<{ cursor: string; node: DeliveryView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

interface DeliveryRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  endpoint_name: string;
  endpoint_kind: 'STANDARD' | 'PAGERDUTY';
  incident_id: string | null;
  message_id: string;
  idempotency_key: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const DELIVERY_SELECT = `
  SELECT d.id, d.tenant_id, d.endpoint_id, e.name AS endpoint_name, e.kind AS endpoint_kind, d.incident_id, d.message_id, d.idempotency_key,
         d.event_type, d.status, d.attempt_count, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at
  FROM deliveries d JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id`;

async function attemptsOf(tx: ScopedTx, rows: DeliveryRow[]): Promise<Map<string, DeliveryAttemptView[]>> {
  const out = new Map<string, DeliveryAttemptView[]>(rows.map((r) => [r.id, []]));
  if (rows.length === 0) return out;
  const attempts = await tx.query<{ delivery_id: string; attempt: number; status_code: number | null; latency_ms: number | null; error: string | null; response_excerpt: string | null; created_at: Date }>(
    `SELECT delivery_id, attempt, status_code, latency_ms, error, response_excerpt, created_at FROM delivery_attempts
     WHERE (tenant_id, delivery_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[])) ORDER BY delivery_id, attempt`,
    [rows.map((r) => r.tenant_id), rows.map((r) => r.id)],
  );
  for (const a of attempts) {
    out.get(a.delivery_id)?.push({ attempt: a.attempt, statusCode: a.status_code, latencyMs: a.latency_ms, error: a.error, responseExcerpt: a.response_excerpt, createdAt: a.created_at });
  }
  return out;
}

function toView(row: DeliveryRow, attempts: DeliveryAttemptView[]): DeliveryView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    endpointName: row.endpoint_name,
    endpointKind: row.endpoint_kind,
    incidentId: row.incident_id,
    messageId: row.message_id,
    idempotencyKey: row.idempotency_key,
    eventType: row.event_type,
    status: row.status,
    attemptCount: row.attempt_count,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    attempts,
  };
}

const encodeCursor = (row: { created_at: Date; id: string }) => Buffer.from(`${row.created_at.toISOString()}|${row.id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(ts);
  if (!isUuid(id) || !Number.isFinite(createdAt.getTime())) throw new PagingError('BAD_USER_INPUT', 'after is not a cursor from this connection');
  return { createdAt, id };
}

export const DELIVERIES_MAX_PAGE = 200;

/** Deliveries visible in the transaction's scope, newest first (Relay connection). */
export async function listDeliveries(tx: ScopedTx, args: { incidentId?: string | null; first?: number | null; after?: string | null } = {}): Promise<DeliveryConnection> {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > DELIVERIES_MAX_PAGE) throw new PagingError('BAD_USER_INPUT', `first must be 1–${DELIVERIES_MAX_PAGE}, got ${JSON.stringify(args.first)}`);
  if (args.incidentId !== undefined && args.incidentId !== null && !isUuid(args.incidentId)) throw new PagingError('BAD_USER_INPUT', 'incidentId must be an incident id');
  const after = args.after ? decodeCursor(args.after) : null;
  const incident = args.incidentId ?? null;
  const rows = await tx.query<DeliveryRow>(
    `${DELIVERY_SELECT}
     WHERE ($1::uuid IS NULL OR d.incident_id = $1) AND ($2::timestamptz IS NULL OR (d.created_at, d.id) < ($2, $3::uuid))
     ORDER BY d.created_at DESC, d.id DESC LIMIT $4`,
    [incident, after?.createdAt ?? null, after?.id ?? null, first + 1],
  );
  const [{ count }] = await tx.query<{ count: string }>(`SELECT count(*) FROM deliveries d WHERE ($1::uuid IS NULL OR d.incident_id = $1)`, [incident]);
  const page = rows.slice(0, first);
  const attempts = await attemptsOf(tx, page);
  return {
    edges: page.map((r) => ({ cursor: encodeCursor(r), node: toView(r, attempts.get(r.id) ?? []) })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]) : null },
    totalCount: Number(count),
  };
}

export async function getDelivery(tx: ScopedTx, deliveryId: string): Promise<DeliveryView | null> {
  if (!isUuid(deliveryId)) return null;
  const rows = await tx.query<DeliveryRow>(`${DELIVERY_SELECT} WHERE d.id = $1`, [deliveryId]);
  if (!rows[0]) return null;
  return toView(rows[0], (await attemptsOf(tx, rows)).get(rows[0].id) ?? []);
}

/**
 * Start a new attempt cycle for a delivery that is not in flight: same message id and body,
 * attempts numbered on from the last. Enqueue `deliveryJobId(view, 'redeliver')` after commit.
 * NOT_FOUND (also for another tenant's id), CONFLICT while it is pending or being delivered.
 */
export async function redeliver(tx: ScopedTx, deliveryId: string, now: Date = new Date()): Promise<DeliveryView> {
  if (!isUuid(deliveryId)) throw new PagingError('NOT_FOUND', `delivery ${JSON.stringify(deliveryId)} not found`);
  const rows = await tx.query<{ status: DeliveryStatus; tenant_id: string }>(`SELECT status, tenant_id FROM deliveries WHERE id = $1 FOR UPDATE`, [deliveryId]);
  if (!rows[0]) throw new PagingError('NOT_FOUND', `delivery ${deliveryId} not found`);
  if (rows[0].status === 'PENDING' || rows[0].status === 'DELIVERING') throw new PagingError('CONFLICT', `delivery ${deliveryId} is ${rows[0].status} already`);
  await tx.query(`UPDATE deliveries SET status = 'PENDING', attempt_count = 0, next_attempt_at = $3, last_error = NULL WHERE tenant_id = $1 AND id = $2`, [
    rows[0].tenant_id,
    deliveryId,
    now,
  ]);
  return (await getDelivery(tx, deliveryId))!;
}

/** Deliveries whose job was lost (Redis flushed, enqueue after commit failed): PENDING long past due, or DELIVERING past the lease. */
export async function findStalledDeliveries(db: TenantDb, now: Date, options: { graceMs?: number; limit?: number } = {}): Promise<Array<{ tenantId: string; id: string; nextAttemptAt: Date }>> {
  const grace = options.graceMs ?? 60_000;
  return db.withScope(Scope.all('paging: re-enqueue stalled deliveries'), async (tx) => {
    const rows = await tx.query<{ tenant_id: string; id: string; next_attempt_at: Date }>(
      `SELECT tenant_id, id, next_attempt_at FROM deliveries WHERE status IN ('PENDING','DELIVERING') AND next_attempt_at < $1 ORDER BY next_attempt_at LIMIT $2`,
      [new Date(now.getTime() - grace), options.limit ?? 500],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, nextAttemptAt: r.next_attempt_at }));
  });
}
