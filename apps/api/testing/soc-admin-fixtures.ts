import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A PagerDuty endpoint row (no secret needed), written as an admin would have created it. */
export async function seedWebhookEndpoint(
  owner: DataSource,
  tenantId: string,
  name = `pager ${crypto.randomBytes(3).toString('hex')}`,
  kind: 'PAGERDUTY' | 'STANDARD' = 'PAGERDUTY',
): Promise<string> {
  const url = kind === 'PAGERDUTY' ? 'https://events.pagerduty.com/v2/enqueue' : 'https://hooks.example.com/watchfloor';
  const [row] = await owner.query(`INSERT INTO webhook_endpoints (tenant_id, name, kind, url) VALUES ($1, $2, $3, $4) RETURNING id`, [tenantId, name, kind, url]);
  return row.id;
}

/** A delivery that has finished (FAILED by default) with one recorded attempt. */
export async function seedDelivery(
  owner: DataSource,
  tenantId: string,
  endpointId: string,
  options: { incidentId?: string | null; status?: string; createdAt?: Date } = {},
): Promise<string> {
  const key = crypto.randomUUID();
  const [row] = await owner.query(
    `INSERT INTO deliveries (tenant_id, endpoint_id, incident_id, message_id, idempotency_key, event_type, payload, status, attempt_count, last_status_code, last_error, created_at)
     VALUES ($1, $2, $3, $4, $5, 'incident.triggered', '{}', $6, 1, 500, 'HTTP 500', $7) RETURNING id`,
    [tenantId, endpointId, options.incidentId ?? null, `msg_${key}`, key, options.status ?? 'FAILED', options.createdAt ?? new Date()],
  );
  await owner.query(`INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, status_code, latency_ms, error) VALUES ($1, $2, 1, 500, 42, 'HTTP 500')`, [tenantId, row.id]);
  return row.id;
}

/** A minimal Sigma rule document with its own id. */
export function sigmaRuleYaml(options: { id?: string; title?: string; author?: string; field?: string } = {}): string {
  return [
    `title: ${options.title ?? 'Modbus write from a workstation'}`,
    `id: ${options.id ?? crypto.randomUUID()}`,
    'status: test',
    `author: ${options.author ?? 'Jane Analyst'}`,
    'level: high',
    'tags:',
    '  - attack.t0855',
    '  - attack.ics',
    'references:',
    '  - https://attack.mitre.org/techniques/T0855/',
    'falsepositives:',
    '  - Maintenance windows',
    'logsource:',
    '  product: zeek',
    '  service: modbus',
    'detection:',
    '  selection:',
    `    ${options.field ?? 'func'}: write_single_register`,
    '  condition: selection',
    '',
  ].join('\n');
}
