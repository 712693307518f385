import { buildPagerDutyEvent, PagerDutyIncident, pagerDutySeverity, truncateText, validatePagerDutyEvent } from './pagerduty';
import { buildWebhookMessage, WEBHOOK_MESSAGE_TYPES } from './webhook-message';

const routingKey = 'R0UT1NGKEY0123456789ABCDEFGHIJKL'; // 32 characters
const incident: PagerDutyIncident = {
  id: 'b9c1f7e2-5a0d-4e57-9d0b-3f1e2a4c6d80',
  title: 'Unexpected Modbus write to PLC-7 from engineering workstation',
  severity: 'HIGH',
  tenantName: 'Stadtwerke Nord',
  tenantId: 't_42',
  assets: ['PLC-7', 'EWS-2'],
  techniques: ['T0855', 'T0831'],
  link: 'https://soc.example.com/incidents/b9c1f7e2',
  status: 'NEW',
  createdAt: new Date('2026-01-14T10:00:00Z'),
};

describe('buildPagerDutyEvent', () => {
  it('builds a trigger that PagerDuty accepts, dedup_key = incident id', () => {
    const event = buildPagerDutyEvent({ routingKey, action: 'trigger', incident, source: 'watchfloor' });
    expect(validatePagerDutyEvent(event)).toEqual([]);
    expect(event).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: incident.id,
      payload: {
        summary: '[HIGH] Stadtwerke Nord: Unexpected Modbus write to PLC-7 from engineering workstation',
        source: 'watchfloor',
        severity: 'error',
        timestamp: '2026-01-14T10:00:00.000Z',
        component: 'PLC-7, EWS-2',
        group: 'Stadtwerke Nord',
        class: 'T0855',
        custom_details: { incident_id: incident.id, tenant_id: 't_42', techniques: ['T0855', 'T0831'], assets: ['PLC-7', 'EWS-2'], status: 'NEW' },
      },
      links: [{ href: incident.link, text: 'Incident in Watchfloor' }],
    });
  });

  it('sends acknowledge and resolve with the same dedup_key and no payload', () => {
    for (const action of ['acknowledge', 'resolve'] as const) {
      const event = buildPagerDutyEvent({ routingKey, action, incident, source: 'watchfloor' });
      expect(event).toEqual({ routing_key: routingKey, event_action: action, dedup_key: incident.id });
      expect(validatePagerDutyEvent(event)).toEqual([]);
    }
  });

  it('maps severities: CRITICAL→critical, HIGH→error, MEDIUM→warning, LOW and INFO→info', () => {
    expect((['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const).map(pagerDutySeverity)).toEqual(['critical', 'error', 'warning', 'info', 'info']);
  });

  it('truncates a long summary to 1024 characters and still validates', () => {
    const event = buildPagerDutyEvent({ routingKey, action: 'trigger', incident: { ...incident, title: 'x'.repeat(5000) }, source: 's' });
    expect(event.payload!.summary).toHaveLength(1024);
    expect(event.payload!.summary.endsWith('…')).toBe(true);
    expect(validatePagerDutyEvent(event)).toEqual([]);
  });

  it('never splits a surrogate pair when truncating', () => {
    const t = truncateText('a'.repeat(1022) + '😀😀', 1024);
    expect(t.length).toBeLessThanOrEqual(1024);
    expect(t).toBe('a'.repeat(1022) + '…');
    expect(truncateText('short', 1024)).toBe('short');
  });

  it('omits component and timestamp when there are no assets or the date is invalid, and falls back on a generic class', () => {
    const event = buildPagerDutyEvent({ routingKey, action: 'trigger', incident: { ...incident, assets: [], techniques: [], createdAt: 'not a date' }, source: 's' });
    expect(event.payload).not.toHaveProperty('component');
    expect(event.payload).not.toHaveProperty('timestamp');
    expect(event.payload!.class).toBe('security-incident');
    expect(validatePagerDutyEvent(event)).toEqual([]);
  });
});

describe('validatePagerDutyEvent', () => {
  const valid = { routing_key: routingKey, event_action: 'trigger', dedup_key: 'k', payload: { summary: 's', source: 'src', severity: 'info' } };

  it('accepts the minimal trigger', () => {
    expect(validatePagerDutyEvent(valid)).toEqual([]);
  });

  it.each([
    [{ ...valid, routing_key: undefined }, 'routing_key is required'],
    [{ ...valid, routing_key: 'short' }, 'routing_key must be 32 characters, got 5'],
    [{ ...valid, event_action: 'snooze' }, 'event_action must be trigger, acknowledge or resolve, got "snooze"'],
    [{ ...valid, dedup_key: 'k'.repeat(256) }, 'dedup_key must be at most 255 characters, got 256'],
    [{ ...valid, dedup_key: '' }, 'dedup_key must be a non-empty string'],
    [{ routing_key: routingKey, event_action: 'resolve' }, 'dedup_key is required for resolve'],
    [{ routing_key: routingKey, event_action: 'trigger' }, 'payload is required for trigger'],
    [{ ...valid, payload: { ...valid.payload, summary: '' } }, 'payload.summary is required'],
    [{ ...valid, payload: { ...valid.payload, summary: 'x'.repeat(1025) } }, 'payload.summary must be at most 1024 characters, got 1025'],
    [{ ...valid, payload: { ...valid.payload, source: undefined } }, 'payload.source is required'],
    [{ ...valid, payload: { ...valid.payload, severity: 'high' } }, 'payload.severity must be critical, error, warning or info, got "high"'],
    [{ ...valid, payload: { ...valid.payload, timestamp: '14/01/2026 10:00' } }, 'payload.timestamp must be an ISO 8601 date-time, got "14/01/2026 10:00"'],
    [{ ...valid, payload: { ...valid.payload, component: 7 } }, 'payload.component must be a string'],
    [{ ...valid, payload: { ...valid.payload, custom_details: [1, 2] } }, 'payload.custom_details must be an object'],
    [{ ...valid, links: [{ text: 'no href' }] }, 'links must be an array of { href, text? }'],
  ])('reports %#: %s', (event, message) => {
    expect(validatePagerDutyEvent(event)).toEqual([message]);
  });

  it('accepts ISO 8601 timestamps with offsets and fractions', () => {
    for (const timestamp of ['2026-01-14T10:00:00Z', '2026-01-14T10:00:00.123+01:00', '2026-01-14T10:00+0100']) {
      expect(validatePagerDutyEvent({ ...valid, payload: { ...valid.payload, timestamp } })).toEqual([]);
    }
  });

  it('refuses non-objects', () => {
    expect(validatePagerDutyEvent('{"routing_key":1}')).toEqual(['event must be a JSON object']);
    expect(validatePagerDutyEvent(null)).toEqual(['event must be a JSON object']);
  });
});

describe('buildWebhookMessage', () => {
  it('wraps data with its type and ISO timestamp and gives the exact body to sign', () => {
    const r = buildWebhookMessage('incident.escalated', { incidentId: 'inc_1', level: 1 }, new Date('2026-01-14T10:05:00Z'));
    expect(r).toEqual({
      ok: true,
      message: { type: 'incident.escalated', timestamp: '2026-01-14T10:05:00.000Z', data: { incidentId: 'inc_1', level: 1 } },
      body: '{"type":"incident.escalated","timestamp":"2026-01-14T10:05:00.000Z","data":{"incidentId":"inc_1","level":1}}',
    });
  });

  it('knows the seven message types', () => {
    expect(WEBHOOK_MESSAGE_TYPES).toEqual(['incident.triggered', 'incident.acknowledged', 'incident.escalated', 'incident.resolved', 'sla.warning', 'sla.breached', 'report.ready']);
    for (const type of WEBHOOK_MESSAGE_TYPES) expect(buildWebhookMessage(type, {}, new Date(0)).ok).toBe(true);
  });

  it('returns an error for an unknown type, a bad date, non-object data or unserialisable data', () => {
    expect(buildWebhookMessage('incident.deleted' as never, {}, new Date(0))).toMatchObject({ ok: false, error: expect.stringMatching(/unknown webhook message type "incident.deleted"/) });
    expect(buildWebhookMessage('sla.warning', {}, new Date('x'))).toEqual({ ok: false, error: 'timestamp must be a valid Date' });
    expect(buildWebhookMessage('sla.warning', [1] as never, new Date(0))).toEqual({ ok: false, error: 'data must be a JSON object' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(buildWebhookMessage('sla.warning', cyclic, new Date(0))).toMatchObject({ ok: false, error: expect.stringMatching(/not serialisable/) });
    expect(buildWebhookMessage('sla.warning', { n: BigInt(1) }, new Date(0))).toMatchObject({ ok: false });
  });
});
