// Standard Webhooks (https://www.standardwebhooks.com/) signing and verification, written against
// the spec: HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed with the base64-decoded secret.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The spec asks for secrets of 24 to 64 bytes. */
export const WEBHOOK_SECRET_MIN_BYTES = 24;
export const WEBHOOK_SECRET_MAX_BYTES = 64;

// A type alias (not an interface) so it is assignable to plain header records.
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key of a 'whsec_<base64>' secret, or an error saying what is wrong with it. */
export function parseWebhookSecret(secret: unknown): { ok: true; key: Buffer } | { ok: false; error: string } {
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    return { ok: false, error: `webhook secret must start with '${WEBHOOK_SECRET_PREFIX}'` };
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return { ok: false, error: `webhook secret must be '${WEBHOOK_SECRET_PREFIX}' followed by standard base64` };
  const key = Buffer.from(encoded, 'base64');
  if (key.length < WEBHOOK_SECRET_MIN_BYTES || key.length > WEBHOOK_SECRET_MAX_BYTES) {
    return { ok: false, error: `webhook secret must decode to ${WEBHOOK_SECRET_MIN_BYTES}–${WEBHOOK_SECRET_MAX_BYTES} bytes, got ${key.length}` };
  }
  return { ok: true, key };
}

function keyOf(secret: string): Buffer {
  const parsed = parseWebhookSecret(secret);
  if (!parsed.ok) throw new WebhookSecretError(parsed.error);
  return parsed.key;
}

function signatureOf(key: Buffer, id: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

/** A new endpoint secret: 'whsec_' + base64 of `bytes` (24–64, default 32) random bytes. */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < WEBHOOK_SECRET_MIN_BYTES || bytes > WEBHOOK_SECRET_MAX_BYTES) {
    throw new RangeError(`webhook secrets are ${WEBHOOK_SECRET_MIN_BYTES}–${WEBHOOK_SECRET_MAX_BYTES} bytes, asked for ${bytes}`);
  }
  return WEBHOOK_SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/**
 * A stable 'msg_…' webhook-id derived from a delivery's idempotency key, so every retry of one
 * message carries the same id and receivers can de-duplicate.
 */
export function webhookMessageId(idempotencyKey: string): string {
  return 'msg_' + createHash('sha256').update(idempotencyKey, 'utf8').digest('base64url').slice(0, 27);
}

/**
 * Headers for one delivery. With several secrets (rotation: new first, old still accepted by the
 * receiver) the signature header carries one 'v1,<sig>' per secret, space-separated.
 * Throws WebhookSecretError if a secret is malformed (validate with parseWebhookSecret on input).
 */
export function signStandardWebhook(input: { id: string; timestamp: number; body: string; secrets: string[] }): StandardWebhookHeaders {
  const { id, timestamp, body, secrets } = input;
  if (secrets.length === 0) throw new WebhookSecretError('at least one webhook secret is needed to sign');
  if (!Number.isInteger(timestamp) || timestamp < 0) throw new RangeError(`webhook timestamp must be whole Unix seconds, got ${timestamp}`);
  if (id.length === 0 || id.includes('.')) throw new RangeError('webhook id must be non-empty and contain no "."');
  const signatures = secrets.map((s) => `v1,${signatureOf(keyOf(s), id, timestamp, body)}`);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: 'missing_header' | 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'no_matching_signature' | 'invalid_secret'; message: string };

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(bag)) {
    if (key.toLowerCase() === name) {
      const v = bag[key];
      return Array.isArray(v) ? v.join(' ') : v;
    }
  }
  return undefined;
}

/**
 * Receiver-side check: headers present, timestamp within `toleranceSeconds` of `now` (either
 * side, against replays), and some 'v1,' signature matching some accepted secret, compared in
 * constant time. Never throws.
 */
export function verifyStandardWebhook(
  headers: HeaderBag,
  body: string,
  secret: string | string[],
  now: Date,
  toleranceSeconds = 300,
): WebhookVerification {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sig = header(headers, 'webhook-signature');
  for (const [name, value] of [['webhook-id', id], ['webhook-timestamp', ts], ['webhook-signature', sig]] as const) {
    if (!value) return { ok: false, reason: 'missing_header', message: `missing header ${name}` };
  }
  if (!/^\d{1,12}$/.test(ts!)) return { ok: false, reason: 'invalid_timestamp', message: 'webhook-timestamp must be Unix seconds' };
  const timestamp = Number(ts);
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp_out_of_tolerance', message: `webhook-timestamp is more than ${toleranceSeconds}s away from now` };
  }
  const keys: Buffer[] = [];
  for (const s of Array.isArray(secret) ? secret : [secret]) {
    const parsed = parseWebhookSecret(s);
    if (!parsed.ok) return { ok: false, reason: 'invalid_secret', message: parsed.error };
    keys.push(parsed.key);
  }
  const offered = sig!
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  for (const key of keys) {
    const expected = Buffer.from(signatureOf(key, id!, ts!, body), 'base64');
    if (offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected))) return { ok: true, id: id!, timestamp };
  }
  return { ok: false, reason: 'no_matching_signature', message: 'no v1 signature matches the secret' };
}
