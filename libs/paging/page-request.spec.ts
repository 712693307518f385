import { Page } from './escalation';
import { buildPageRequest } from './page-request';
import { PagerDutyIncident } from './pagerduty';
import { verifyStandardWebhook } from './standard-webhooks';

const secret = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
const incident: PagerDutyIncident = {
  id: 'inc-9',
  title: 'DNP3 cold restart sent to RTU-4',
  severity: 'CRITICAL',
  tenantName: 'Wasserwerk Süd',
  tenantId: 't_7',
  assets: ['RTU-4'],
  techniques: ['T0816'],
  link: 'https://soc.example.com/incidents/inc-9',
  status: 'NEW',
  createdAt: new Date('2026-01-14T09:59:00Z'),
};
const page: Page = { idempotencyKey: 'esc:inc-9:o1:r0:l1:ep-1:trigger', endpointId: 'ep-1', action: 'trigger', kind: 'escalated', level: 1, round: 0, dueAt: new Date('2026-01-14T10:05:00Z') };

describe('buildPageRequest', () => {
  it('STANDARD: a signed incident.<kind> message whose body and id do not change between attempts', () => {
    const endpoint = { kind: 'STANDARD' as const, url: 'https://hooks.example.com/x', secrets: [secret] };
    const first = buildPageRequest({ page, endpoint, incident, source: 'watchfloor', attemptAt: new Date('2026-01-14T10:05:01Z') });
    const retry = buildPageRequest({ page, endpoint, incident, source: 'watchfloor', attemptAt: new Date('2026-01-14T10:07:00Z') });
    if (!first.ok || !retry.ok) throw new Error('expected requests');
    expect(JSON.parse(first.request.body)).toEqual({
      type: 'incident.escalated',
      timestamp: '2026-01-14T10:05:00.000Z',
      data: { incident: { ...incident, createdAt: '2026-01-14T09:59:00.000Z' }, page: { action: 'trigger', level: 1, round: 0 } },
    });
    expect(retry.request.body).toBe(first.request.body);
    expect(retry.request.headers['webhook-id']).toBe(first.request.headers['webhook-id']);
    expect(retry.request.headers['webhook-timestamp']).toBe(String(Date.parse('2026-01-14T10:07:00Z') / 1000));
    expect(verifyStandardWebhook(first.request.headers, first.request.body, secret, new Date('2026-01-14T10:05:02Z')).ok).toBe(true);
    expect(verifyStandardWebhook(retry.request.headers, retry.request.body, secret, new Date('2026-01-14T10:07:00Z')).ok).toBe(true);
    expect(first.request.headers['content-type']).toBe('application/json');
  });

  it('PAGERDUTY: the Events v2 body for the page action, deduplicated on the incident id', () => {
    const endpoint = { kind: 'PAGERDUTY' as const, url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R'.repeat(32) };
    const r = buildPageRequest({ page: { ...page, action: 'resolve', kind: 'resolved', level: null, round: null }, endpoint, incident, source: 'watchfloor', attemptAt: new Date() });
    expect(r).toEqual({
      ok: true,
      request: { url: endpoint.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routing_key: 'R'.repeat(32), event_action: 'resolve', dedup_key: 'inc-9' }), messageId: 'inc-9' },
    });
  });

  it('returns an error, not a throw, for a bad routing key, a bad secret or no secret', () => {
    expect(buildPageRequest({ page, endpoint: { kind: 'PAGERDUTY', url: 'https://x', routingKey: 'short' }, incident, source: 's', attemptAt: new Date() })).toEqual({
      ok: false,
      error: 'PagerDuty event invalid: routing_key must be 32 characters, got 5',
    });
    expect(buildPageRequest({ page, endpoint: { kind: 'STANDARD', url: 'https://x', secrets: ['nope'] }, incident, source: 's', attemptAt: new Date() })).toMatchObject({ ok: false, error: expect.stringMatching(/whsec_/) });
    expect(buildPageRequest({ page, endpoint: { kind: 'STANDARD', url: 'https://x', secrets: [] }, incident, source: 's', attemptAt: new Date() })).toEqual({ ok: false, error: 'endpoint has no signing secret' });
    expect(buildPageRequest({ page, endpoint: { kind: 'STANDARD', url: 'https://x', secrets: [secret] }, incident, source: 's', attemptAt: new Date('x') })).toEqual({ ok: false, error: 'attemptAt must be a valid Date' });
  });
});
