// Turn one planned page into the HTTP request for its endpoint, for either webhook kind.
// The body depends only on the page (identical on every retry); STANDARD headers are signed
// with the attempt's time.
import { buildPagerDutyEvent, type PagerDutyEvent, type PagerDutyIncident, validatePagerDutyEvent } from './pagerduty';
import type { Page } from './escalation';
import { parseWebhookSecret, signStandardWebhook, webhookMessageId } from './standard-webhooks';
import { buildWebhookMessage, WebhookMessageType } from './webhook-message';

export type PagingEndpoint =
  | { kind: 'STANDARD'; url: string; /** Current secret first; more while rotating. */ secrets: string[] }
  | { kind: 'PAGERDUTY'; url: string; routingKey: string };

export interface PageRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  /** The webhook-id (STANDARD) or dedup_key (PAGERDUTY) a receiver de-duplicates on. */
  messageId: string;
}

export type PageRequestResult = { ok: true; request: PageRequest } | { ok: false; error: string };

/** The PagerDuty event or Standard Webhooks message for a page, ready to POST at `attemptAt`. */
export function buildPageRequest(input: { page: Page; endpoint: PagingEndpoint; incident: PagerDutyIncident; source: string; attemptAt: Date }): PageRequestResult {
  const { page, endpoint, incident, source, attemptAt } = input;
  if (!(attemptAt instanceof Date) || !Number.isFinite(attemptAt.getTime())) return { ok: false, error: 'attemptAt must be a valid Date' };
  if (endpoint.kind === 'PAGERDUTY') {
    return pagerDutyRequest(buildPagerDutyEvent({ routingKey: endpoint.routingKey, action: page.action, incident, source }), endpoint.url);
  }
  const type = `incident.${page.kind}` as WebhookMessageType;
  const createdAt = incident.createdAt instanceof Date ? incident.createdAt.toISOString() : incident.createdAt;
  const data = {
    incident: { ...incident, createdAt },
    page: { action: page.action, level: page.level, round: page.round },
  };
  return signedStandardRequest(type, data, page.dueAt, page.idempotencyKey, endpoint, attemptAt);
}

/** A PagerDuty Events v2 request, if PagerDuty would accept the event. */
export function pagerDutyRequest(event: PagerDutyEvent, url: string): PageRequestResult {
  const errors = validatePagerDutyEvent(event);
  if (errors.length > 0) return { ok: false, error: `PagerDuty event invalid: ${errors.join('; ')}` };
  return { ok: true, request: { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), messageId: event.dedup_key } };
}

/**
 * A signed Standard Webhooks request: the message of `type` at `at`, signed with every secret of
 * the endpoint at `attemptAt`. The webhook-id derives from the idempotency key, so retries reuse it.
 */
export function signedStandardRequest(
  type: WebhookMessageType,
  data: Record<string, unknown>,
  at: Date,
  idempotencyKey: string,
  endpoint: Extract<PagingEndpoint, { kind: 'STANDARD' }>,
  attemptAt: Date,
): PageRequestResult {
  if (endpoint.secrets.length === 0) return { ok: false, error: 'endpoint has no signing secret' };
  for (const secret of endpoint.secrets) {
    const parsed = parseWebhookSecret(secret);
    if (!parsed.ok) return { ok: false, error: parsed.error };
  }
  const message = buildWebhookMessage(type, data, at);
  if (!message.ok) return { ok: false, error: message.error };
  const id = webhookMessageId(idempotencyKey);
  const headers = signStandardWebhook({ id, timestamp: Math.floor(attemptAt.getTime() / 1000), body: message.body, secrets: endpoint.secrets });
  return { ok: true, request: { url: endpoint.url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: message.body, messageId: id } };
}
