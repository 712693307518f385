// PagerDuty Events API v2 bodies (POST https://events.pagerduty.com/v2/enqueue).
// Field rules follow PagerDuty's "Send an Alert Event" documentation; see docs/paging.md.

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
export const PAGERDUTY_ROUTING_KEY_LENGTH = 32;

export interface PagerDutyIncident {
  id: string;
  title: string;
  severity: Severity;
  tenantName: string;
  tenantId: string;
  assets: string[];
  techniques: string[];
  link: string;
  status: string;
  createdAt: Date | string;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: Array<{ href: string; text?: string }>;
}

const SEVERITY_MAP: Record<Severity, PagerDutySeverity> = { CRITICAL: 'critical', HIGH: 'error', MEDIUM: 'warning', LOW: 'info', INFO: 'info' };

export function pagerDutySeverity(severity: Severity): PagerDutySeverity {
  return SEVERITY_MAP[severity] ?? 'info';
}

/** Cut to at most `max` UTF-16 units with an ellipsis, never splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // would leave a lone high surrogate
  return text.slice(0, cut) + '…';
}

function isoOrUndefined(value: Date | string): string | undefined {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/**
 * The Events v2 body for one incident. Acknowledge and resolve carry only routing_key,
 * event_action and dedup_key (= incident id): PagerDuty ignores a payload on them.
 */
export function buildPagerDutyEvent(input: { routingKey: string; action: PagerDutyAction; incident: PagerDutyIncident; source: string }): PagerDutyEvent {
  const { routingKey, action, incident, source } = input;
  const base: PagerDutyEvent = { routing_key: routingKey, event_action: action, dedup_key: incident.id };
  if (action !== 'trigger') return base;
  const summary = truncateText(`[${incident.severity}] ${incident.tenantName}: ${incident.title}`, PAGERDUTY_SUMMARY_MAX);
  const payload: NonNullable<PagerDutyEvent['payload']> = {
    summary,
    source,
    severity: pagerDutySeverity(incident.severity),
    group: incident.tenantName,
    class: incident.techniques[0] ?? 'security-incident',
    custom_details: {
      incident_id: incident.id,
      tenant_id: incident.tenantId,
      tenant: incident.tenantName,
      severity: incident.severity,
      status: incident.status,
      assets: incident.assets,
      techniques: incident.techniques,
      link: incident.link,
    },
  };
  const timestamp = isoOrUndefined(incident.createdAt);
  if (timestamp) payload.timestamp = timestamp;
  if (incident.assets.length > 0) payload.component = incident.assets.slice(0, 3).join(', ');
  return { ...base, payload, client: 'Watchfloor', client_url: incident.link, links: [{ href: incident.link, text: 'Incident in Watchfloor' }] };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** Every way a body breaks the Events v2 rules, one line each; [] when PagerDuty should accept it. */
export function validatePagerDutyEvent(body: unknown): string[] {
  if (!isObject(body)) return ['event must be a JSON object'];
  const errors: string[] = [];
  if (typeof body.routing_key !== 'string' || body.routing_key.length === 0) errors.push('routing_key is required');
  else if (body.routing_key.length !== PAGERDUTY_ROUTING_KEY_LENGTH) errors.push(`routing_key must be ${PAGERDUTY_ROUTING_KEY_LENGTH} characters, got ${body.routing_key.length}`);
  const action = body.event_action;
  if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve') {
    errors.push(`event_action must be trigger, acknowledge or resolve, got ${JSON.stringify(action)}`);
  }
  if (body.dedup_key !== undefined) {
    if (typeof body.dedup_key !== 'string' || body.dedup_key.length === 0) errors.push('dedup_key must be a non-empty string');
    else if (body.dedup_key.length > PAGERDUTY_DEDUP_KEY_MAX) errors.push(`dedup_key must be at most ${PAGERDUTY_DEDUP_KEY_MAX} characters, got ${body.dedup_key.length}`);
  } else if (action === 'acknowledge' || action === 'resolve') {
    errors.push(`dedup_key is required for ${action}`);
  }
  if (action === 'trigger' || body.payload !== undefined) {
    const p = body.payload;
    if (!isObject(p)) {
      if (action === 'trigger') errors.push('payload is required for trigger');
      else errors.push('payload must be an object');
    } else {
      if (!nonEmptyString(p.summary)) errors.push('payload.summary is required');
      else if (p.summary.length > PAGERDUTY_SUMMARY_MAX) errors.push(`payload.summary must be at most ${PAGERDUTY_SUMMARY_MAX} characters, got ${p.summary.length}`);
      if (!nonEmptyString(p.source)) errors.push('payload.source is required');
      if (!['critical', 'error', 'warning', 'info'].includes(p.severity as string)) {
        errors.push(`payload.severity must be critical, error, warning or info, got ${JSON.stringify(p.severity)}`);
      }
      if (p.timestamp !== undefined && (typeof p.timestamp !== 'string' || !ISO_8601.test(p.timestamp) || Number.isNaN(Date.parse(p.timestamp)))) {
        errors.push(`payload.timestamp must be an ISO 8601 date-time, got ${JSON.stringify(p.timestamp)}`);
      }
      for (const field of ['component', 'group', 'class'] as const) {
        if (p[field] !== undefined && typeof p[field] !== 'string') errors.push(`payload.${field} must be a string`);
      }
      if (p.custom_details !== undefined && !isObject(p.custom_details)) errors.push('payload.custom_details must be an object');
    }
  }
  if (body.links !== undefined) {
    if (!Array.isArray(body.links) || body.links.some((l) => !isObject(l) || !nonEmptyString(l.href))) errors.push('links must be an array of { href, text? }');
  }
  if (body.images !== undefined) {
    if (!Array.isArray(body.images) || body.images.some((l) => !isObject(l) || !nonEmptyString(l.src))) errors.push('images must be an array of { src, href?, alt? }');
  }
  for (const field of ['client', 'client_url'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') errors.push(`${field} must be a string`);
  }
  return errors;
}
