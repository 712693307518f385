// Bodies of STANDARD webhook deliveries: { type, timestamp, data }.

export const WEBHOOK_MESSAGE_TYPES = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.escalated',
  'incident.resolved',
  'sla.warning',
  'sla.breached',
  'report.ready',
] as const;
export type WebhookMessageType = (typeof WEBHOOK_MESSAGE_TYPES)[number];

export interface WebhookMessage<D = Record<string, unknown>> {
  type: WebhookMessageType;
  /** ISO 8601 instant of the event the message reports. */
  timestamp: string;
  data: D;
}

export type WebhookMessageResult<D> = { ok: true; message: WebhookMessage<D>; body: string } | { ok: false; error: string };

/**
 * A message and its exact body string (the signature covers these bytes, so send `body` as is).
 * `data` must be a JSON object; `at` is when the reported event happened.
 */
export function buildWebhookMessage<D extends object>(type: WebhookMessageType, data: D, at: Date): WebhookMessageResult<D> {
  if (!(WEBHOOK_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: `unknown webhook message type ${JSON.stringify(type)}; expected one of ${WEBHOOK_MESSAGE_TYPES.join(', ')}` };
  }
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) return { ok: false, error: 'timestamp must be a valid Date' };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: 'data must be a JSON object' };
  const message: WebhookMessage<D> = { type, timestamp: at.toISOString(), data };
  let body: string;
  try {
    body = JSON.stringify(message);
  } catch (e) {
    return { ok: false, error: `data is not serialisable as JSON: ${(e as Error).message}` };
  }
  return { ok: true, message, body };
}
