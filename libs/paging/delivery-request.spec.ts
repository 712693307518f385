import crypto from 'node:crypto';
import { buildDeliveryRequest } from './delivery-service';
import type { DeliveryPayload } from './escalation-service';
import { deliverJobId } from './paging-jobs';
import { validatePagerDutyEvent } from './pagerduty';
import { webhookMessageId } from './standard-webhooks';
import { utf8Excerpt } from './webhook-transport';

const SECRET = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
const incident: DeliveryPayload['incident'] = {
  id: 'b9c1f7e2-5a0d-4e57-9d0b-3f1e2a4c6d80',
  title: 'Unexpected Modbus write to PLC-7',
  severity: 'CRITICAL',
  tenantName: 'Riverside Water',
  tenantId: 't1',
  assets: ['PLC-7'],
  techniques: ['T0855'],
  link: 'https://soc.example.com/incidents/b9c1',
  status: 'NEW',
  createdAt: '2026-11-25T10:00:00.000Z',
};
const page: DeliveryPayload = {
  incident,
  page: { idempotencyKey: 'esc:b9c1:o1:r0:l0:ep1:trigger', endpointId: 'ep1', action: 'trigger', kind: 'triggered', level: 0, round: 0, dueAt: '2026-11-25T10:00:00.000Z' },
};
const breach: DeliveryPayload = { incident, sla: { type: 'sla.breached', clock: 'acknowledge', at: '2026-11-25T10:15:00.000Z', dueAt: '2026-11-25T10:15:00.000Z' } };

describe('buildDeliveryRequest', () => {
  it('sends the same body under the same webhook-id on every attempt; only the signature time moves', () => {
    const key = page.page!.idempotencyKey;
    const a = buildDeliveryRequest({ idempotencyKey: key, payload: page }, { kind: 'STANDARD', url: 'https://x', secrets: [SECRET] }, new Date('2026-11-25T10:00:01Z'));
    const b = buildDeliveryRequest({ idempotencyKey: key, payload: page }, { kind: 'STANDARD', url: 'https://x', secrets: [SECRET] }, new Date('2026-11-25T10:05:00Z'));
    if (!a.ok || !b.ok) throw new Error('expected requests');
    expect(a.request.body).toBe(b.request.body);
    expect(a.request.headers['webhook-id']).toBe(webhookMessageId(key));
    expect(b.request.headers['webhook-id']).toBe(webhookMessageId(key));
    expect(a.request.headers['webhook-timestamp']).not.toBe(b.request.headers['webhook-timestamp']);
    expect(JSON.parse(a.request.body).type).toBe('incident.triggered');
  });

  it('signs SLA notifications as sla.* messages that verify independently', () => {
    const key = 'sla:b9c1:acknowledge:breached:900:ep1';
    const r = buildDeliveryRequest({ idempotencyKey: key, payload: breach }, { kind: 'STANDARD', url: 'https://x', secrets: [SECRET] }, new Date('2026-11-25T10:15:02Z'));
    if (!r.ok) throw new Error(r.error);
    const h = r.request.headers;
    const expected = crypto.createHmac('sha256', Buffer.alloc(32, 3)).update(`${h['webhook-id']}.${h['webhook-timestamp']}.${r.request.body}`).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${expected}`);
    expect(JSON.parse(r.request.body)).toEqual({ type: 'sla.breached', timestamp: '2026-11-25T10:15:00.000Z', data: { incident, sla: { clock: 'acknowledge', dueAt: breach.sla!.dueAt, at: breach.sla!.at } } });
  });

  it('sends PagerDuty an SLA breach as a trigger on the incident dedup_key with the breach in custom_details', () => {
    const r = buildDeliveryRequest({ idempotencyKey: 'k', payload: breach }, { kind: 'PAGERDUTY', url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R0UT1NGKEY0123456789ABCDEFGHIJKL' }, new Date());
    if (!r.ok) throw new Error(r.error);
    const event = JSON.parse(r.request.body);
    expect(validatePagerDutyEvent(event)).toEqual([]);
    expect(event).toMatchObject({ event_action: 'trigger', dedup_key: incident.id, payload: { severity: 'critical', custom_details: { sla: { event: 'sla.breached', clock: 'acknowledge', due_at: breach.sla!.dueAt } } } });
    expect(event.payload.summary).toBe('[SLA breached: acknowledge] [CRITICAL] Riverside Water: Unexpected Modbus write to PLC-7');
  });

  it('refuses payloads it cannot send, naming why', () => {
    expect(buildDeliveryRequest({ idempotencyKey: 'k', payload: { incident } }, { kind: 'STANDARD', url: 'https://x', secrets: [SECRET] }, new Date())).toEqual({
      ok: false,
      error: 'delivery payload has neither a page nor an SLA notification',
    });
    expect(buildDeliveryRequest({ idempotencyKey: 'k', payload: breach }, { kind: 'STANDARD', url: 'https://x', secrets: [] }, new Date())).toEqual({ ok: false, error: 'endpoint has no signing secret' });
    const pd = buildDeliveryRequest({ idempotencyKey: 'k', payload: page }, { kind: 'PAGERDUTY', url: 'https://x', routingKey: 'short' }, new Date());
    expect(pd.ok).toBe(false);
  });
});

describe('small pieces', () => {
  it('cuts response excerpts at 512 bytes without splitting a character', () => {
    const text = 'a' + '€'.repeat(300); // 1 + 900 bytes
    const cut = utf8Excerpt(Buffer.from(text));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(512);
    expect(Buffer.byteLength(cut)).toBe(511); // 1 + 170 whole euro signs
    expect(cut.endsWith('€')).toBe(true);
  });

  it('makes deliver job ids BullMQ accepts (no ":")', () => {
    expect(deliverJobId('d1')).toBe('d1');
    expect(deliverJobId('d1', 'a2-1764000000000')).toBe('d1_a2-1764000000000');
    expect(deliverJobId('d1', 'x')).not.toContain(':');
  });
});
