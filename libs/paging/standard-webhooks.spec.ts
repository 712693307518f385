import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { generateWebhookSecret, parseWebhookSecret, signStandardWebhook, verifyStandardWebhook, webhookMessageId, WebhookSecretError } from './standard-webhooks';

const secretA = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const secretB = 'whsec_' + Buffer.from('0123456789abcdefghijklmnopqrstuv').toString('base64');
const body = '{"type":"incident.triggered","timestamp":"2026-01-14T10:00:00.000Z","data":{"id":"inc_1","title":"Modbus write to PLC"}}';
const now = new Date(1_768_384_800_000); // 2026-01-14T10:00:00Z
const ts = Math.floor(now.getTime() / 1000);

/** The expected signature, computed here straight from node:crypto and the spec's recipe. */
function reference(secret: string, id: string, timestamp: number, payload: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64');
}

describe('signStandardWebhook', () => {
  it('signs id.timestamp.body with the base64-decoded secret', () => {
    const headers = signStandardWebhook({ id: 'msg_1', timestamp: ts, body, secrets: [secretA] });
    expect(headers).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${reference(secretA, 'msg_1', ts, body)}` });
  });

  it('matches the test vector published with the Standard Webhooks libraries', () => {
    const headers = signStandardWebhook({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] });
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('carries one v1 signature per secret during a rotation, in the given order', () => {
    const sig = signStandardWebhook({ id: 'msg_2', timestamp: ts, body, secrets: [secretB, secretA] })['webhook-signature'];
    expect(sig.split(' ')).toEqual([`v1,${reference(secretB, 'msg_2', ts, body)}`, `v1,${reference(secretA, 'msg_2', ts, body)}`]);
  });

  it('hashes the body as UTF-8 bytes', () => {
    const unicode = '{"title":"Überwachung – ⚠️ PLC"}';
    expect(signStandardWebhook({ id: 'm', timestamp: ts, body: unicode, secrets: [secretA] })['webhook-signature']).toBe(`v1,${reference(secretA, 'm', ts, unicode)}`);
  });

  it('refuses malformed secrets, ids and timestamps with a clear error', () => {
    expect(() => signStandardWebhook({ id: 'm', timestamp: ts, body, secrets: ['not-a-secret'] })).toThrow(WebhookSecretError);
    expect(() => signStandardWebhook({ id: 'm', timestamp: ts, body, secrets: ['whsec_c2hvcnQ='] })).toThrow(/24–64 bytes, got 5/);
    expect(() => signStandardWebhook({ id: 'm', timestamp: ts, body, secrets: [] })).toThrow(/at least one/);
    expect(() => signStandardWebhook({ id: 'm', timestamp: 1.5, body, secrets: [secretA] })).toThrow(RangeError);
    expect(() => signStandardWebhook({ id: 'a.b', timestamp: ts, body, secrets: [secretA] })).toThrow(/no "\."/);
  });
});

describe('verifyStandardWebhook', () => {
  const signed = signStandardWebhook({ id: 'msg_3', timestamp: ts, body, secrets: [secretA] });

  it('accepts a genuine delivery, header names in any case', () => {
    expect(verifyStandardWebhook(signed, body, secretA, now)).toEqual({ ok: true, id: 'msg_3', timestamp: ts });
    const shouted = { 'Webhook-Id': signed['webhook-id'], 'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'], 'Webhook-Signature': signed['webhook-signature'] };
    expect(verifyStandardWebhook(shouted, body, secretA, now).ok).toBe(true);
    expect(verifyStandardWebhook(new Headers(signed as unknown as Record<string, string>), body, secretA, now).ok).toBe(true);
  });

  it('accepts when any offered signature matches any accepted secret (rotation on either side)', () => {
    const both = signStandardWebhook({ id: 'msg_4', timestamp: ts, body, secrets: [secretB, secretA] });
    expect(verifyStandardWebhook(both, body, secretA, now).ok).toBe(true);
    expect(verifyStandardWebhook(signed, body, [secretB, secretA], now).ok).toBe(true);
    const withUnknownVersion = { ...signed, 'webhook-signature': `v1a,abc ${signed['webhook-signature']}` };
    expect(verifyStandardWebhook(withUnknownVersion, body, secretA, now).ok).toBe(true);
  });

  it('rejects a changed body, id or timestamp, or the wrong secret', () => {
    expect(verifyStandardWebhook(signed, body + ' ', secretA, now)).toMatchObject({ ok: false, reason: 'no_matching_signature' });
    expect(verifyStandardWebhook({ ...signed, 'webhook-id': 'msg_other' }, body, secretA, now)).toMatchObject({ ok: false, reason: 'no_matching_signature' });
    expect(verifyStandardWebhook({ ...signed, 'webhook-timestamp': String(ts + 1) }, body, secretA, now)).toMatchObject({ ok: false, reason: 'no_matching_signature' });
    expect(verifyStandardWebhook(signed, body, secretB, now)).toMatchObject({ ok: false, reason: 'no_matching_signature' });
  });

  it('rejects timestamps outside the tolerance, on either side, and accepts at its edge', () => {
    expect(verifyStandardWebhook(signed, body, secretA, new Date(now.getTime() + 300_000)).ok).toBe(true);
    expect(verifyStandardWebhook(signed, body, secretA, new Date(now.getTime() + 301_000))).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyStandardWebhook(signed, body, secretA, new Date(now.getTime() - 301_000))).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyStandardWebhook(signed, body, secretA, new Date(now.getTime() + 50_000), 30)).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('reports missing headers, non-numeric timestamps and bad secrets without throwing', () => {
    expect(verifyStandardWebhook({ 'webhook-id': 'x', 'webhook-timestamp': String(ts) }, body, secretA, now)).toMatchObject({ ok: false, reason: 'missing_header', message: 'missing header webhook-signature' });
    expect(verifyStandardWebhook({ ...signed, 'webhook-timestamp': '2026-01-14T10:00:00Z' }, body, secretA, now)).toMatchObject({ ok: false, reason: 'invalid_timestamp' });
    expect(verifyStandardWebhook(signed, body, 'secret', now)).toMatchObject({ ok: false, reason: 'invalid_secret' });
  });

  it('round-trips any body and id (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.integer({ min: 0, max: 4_000_000_000 }), (payload, id, t) => {
        const headers = signStandardWebhook({ id, timestamp: t, body: payload, secrets: [secretA] });
        expect(headers['webhook-signature']).toBe(`v1,${reference(secretA, id, t, payload)}`);
        expect(verifyStandardWebhook(headers, payload, secretA, new Date(t * 1000)).ok).toBe(true);
      }),
    );
  });
});

describe('the example in docs/paging.md', () => {
  it('verifies with the documented secret', () => {
    const docBody =
      '{"type":"incident.escalated","timestamp":"2026-01-14T10:05:00.000Z","data":{"incident":{"id":"b9c1f7e2-5a0d-4e57-9d0b-3f1e2a4c6d80","title":"Unexpected Modbus write to PLC-7","severity":"HIGH","status":"NEW","tenantId":"t_42","link":"https://soc.example.com/incidents/b9c1f7e2-5a0d-4e57-9d0b-3f1e2a4c6d80"},"level":1,"round":0}}';
    const headers = { 'webhook-id': 'msg_2mQx3bq1R6tY0LkVbq6b0Jm1s8W', 'webhook-timestamp': '1768385100', 'webhook-signature': 'v1,mNY4JaHV7UWzZM0B2+IcaUGPetsvFtUD7vaH+y7ELSQ=' };
    expect(verifyStandardWebhook(headers, docBody, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', new Date(1768385100 * 1000)).ok).toBe(true);
    expect(signStandardWebhook({ id: headers['webhook-id'], timestamp: 1768385100, body: docBody, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] })).toEqual(headers);
  });
});

describe('secrets and message ids', () => {
  it('generates whsec_ secrets of 32 random bytes by default that sign and verify', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret(24);
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(parseWebhookSecret(a)).toMatchObject({ ok: true });
    expect((parseWebhookSecret(a) as { key: Buffer }).key).toHaveLength(32);
    expect((parseWebhookSecret(b) as { key: Buffer }).key).toHaveLength(24);
    expect(a).not.toBe(generateWebhookSecret());
    expect(() => generateWebhookSecret(16)).toThrow(RangeError);
    const h = signStandardWebhook({ id: 'm', timestamp: ts, body, secrets: [a] });
    expect(verifyStandardWebhook(h, body, a, now).ok).toBe(true);
  });

  it('rejects secrets without the prefix, with bad base64 or of the wrong size', () => {
    expect(parseWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toMatchObject({ ok: false });
    expect(parseWebhookSecret('whsec_!!!notbase64!!!')).toMatchObject({ ok: false, error: expect.stringMatching(/base64/) });
    expect(parseWebhookSecret('whsec_' + Buffer.alloc(65).toString('base64'))).toMatchObject({ ok: false });
  });

  it('derives the same msg_ id from the same delivery key, a different one otherwise', () => {
    expect(webhookMessageId('esc:inc_1:o1:r0:l0:ep_1:trigger')).toBe(webhookMessageId('esc:inc_1:o1:r0:l0:ep_1:trigger'));
    expect(webhookMessageId('esc:inc_1:o1:r0:l0:ep_1:trigger')).not.toBe(webhookMessageId('esc:inc_1:o1:r0:l1:ep_1:trigger'));
    expect(webhookMessageId('x')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});
