import crypto from 'node:crypto';
import type { ScopedTx } from '@watchfloor/tenancy';

/**
 * One row in every tenant-owned table for a tenant, linked the way the product links them.
 * The wall test requires a row per tenant table: a new table must be added here.
 */
export async function seedTenantGraph(tx: ScopedTx, tenantId: string, userId: string): Promise<Record<string, string>> {
  const id = () => crypto.randomUUID();
  const ids = {
    sensor: id(), apiKey: id(), zoneIt: id(), zoneOt: id(), conduit: id(), asset: id(), vuln: id(), batch: id(), event: id(),
    oldEvent: id(), suppression: id(), maintenance: id(), sla: id(), incident: id(), alert: id(), activity: id(), endpoint: id(),
    policy: id(), level: id(), delivery: id(), attempt: id(), report: id(), rule: id(),
  };
  const q = (sql: string, params: unknown[]) => tx.query(sql, params);
  await q(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2)`, [tenantId, userId]);
  await q(`INSERT INTO sensors (tenant_id, id, name, kind) VALUES ($1, $2, 'zeek-span', 'ZEEK')`, [tenantId, ids.sensor]);
  await q(`INSERT INTO api_keys (tenant_id, id, sensor_id, key_prefix, key_hash) VALUES ($1, $2, $3, $4, 'x')`, [tenantId, ids.apiKey, ids.sensor, `wfk_${ids.apiKey.slice(0, 8)}`]);
  await q(`INSERT INTO audit_log (tenant_id, seq, actor_kind, action, target_type, prev_hash, hash) VALUES ($1, 1, 'system', 'fixture', 'tenant', '', 'h')`, [tenantId]);
  await q(`INSERT INTO zones (tenant_id, id, name, purdue_level, cidrs) VALUES ($1, $2, 'IT', 4, '{10.10.0.0/16}'), ($1, $3, 'Control', 1, '{10.30.0.0/16}')`, [tenantId, ids.zoneIt, ids.zoneOt]);
  await q(`INSERT INTO conduits (tenant_id, id, from_zone_id, to_zone_id, protocol, ports) VALUES ($1, $2, $3, $4, 'tcp', '{502}')`, [tenantId, ids.conduit, ids.zoneIt, ids.zoneOt]);
  await q(`INSERT INTO assets (tenant_id, id, name, ip, purdue_level, criticality, zone_id) VALUES ($1, $2, 'PLC', '10.30.0.11', 1, 'CRITICAL', $3)`, [tenantId, ids.asset, ids.zoneOt]);
  await q(`INSERT INTO asset_vulnerabilities (tenant_id, id, asset_id, cve, cvss) VALUES ($1, $2, $3, 'CVE-2021-22779', 9.8)`, [tenantId, ids.vuln, ids.asset]);
  await q(`INSERT INTO ingest_batches (tenant_id, id, sensor_id, format, accepted) VALUES ($1, $2, $3, 'zeek', 2)`, [tenantId, ids.batch, ids.sensor]);
  await q(`SELECT wf_ensure_event_partition(current_date)`, []);
  await q(
    `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, severity, raw)
     VALUES ($1, $2, now(), now(), $4, $5, 'zeek', 'zeek', 'conn', 'flow', 0, '{}'),
            ($1, $3, '2018-03-24T00:00:00Z', now(), $4, $5, 'zeek', 'zeek', 'conn', 'flow', 0, '{}')`,
    [tenantId, ids.event, ids.oldEvent, ids.sensor, ids.batch],
  );
  await q(`INSERT INTO detection_rules (id, owner_tenant_id, sigma_id, kind, title, source_yaml) VALUES ($1, $2, $3, 'SIGMA', 'Tenant rule', 'title: x')`, [ids.rule, tenantId, ids.rule]);
  await q(`INSERT INTO detection_rule_versions (rule_id, version, owner_tenant_id, source_yaml) VALUES ($1, 1, $2, 'title: x')`, [ids.rule, tenantId]);
  await q(`INSERT INTO tenant_rule_settings (tenant_id, rule_id, enabled) VALUES ($1, $2, true)`, [tenantId, ids.rule]);
  await q(`INSERT INTO suppressions (tenant_id, id, match, reason) VALUES ($1, $2, '{"src_ip":"10.0.0.1"}', 'scanner')`, [tenantId, ids.suppression]);
  await q(`INSERT INTO maintenance_windows (tenant_id, id, starts_at, ends_at, change_ticket) VALUES ($1, $2, now(), now() + interval '1 hour', 'CHG-1')`, [tenantId, ids.maintenance]);
  await q(`INSERT INTO sla_policies (tenant_id, id, severity, acknowledge_minutes, resolve_minutes) VALUES ($1, $2, 'HIGH', 15, 240)`, [tenantId, ids.sla]);
  await q(`INSERT INTO incidents (tenant_id, id, title, severity, grouping_key, window_started_at, last_alert_at) VALUES ($1, $2, 'Incident', 'HIGH', 'k', now(), now())`, [tenantId, ids.incident]);
  await q(
    `INSERT INTO alerts (tenant_id, id, dedup_key, rule_kind, rule_ref, rule_title, severity, event_ts, grouping_key, incident_id) VALUES ($1, $2, $3, 'SIGMA', 'r', 'Rule', 'HIGH', now(), 'k', $4)`,
    [tenantId, ids.alert, `d-${ids.alert}`, ids.incident],
  );
  await q(`INSERT INTO incident_alerts (tenant_id, incident_id, alert_id) VALUES ($1, $2, $3)`, [tenantId, ids.incident, ids.alert]);
  await q(`INSERT INTO incident_activity (tenant_id, id, incident_id, kind, body) VALUES ($1, $2, $3, 'comment', 'hello')`, [tenantId, ids.activity, ids.incident]);
  await q(`INSERT INTO webhook_endpoints (tenant_id, id, name, kind, url) VALUES ($1, $2, 'pager', 'STANDARD', 'https://example.com/hook')`, [tenantId, ids.endpoint]);
  await q(`INSERT INTO escalation_policies (tenant_id, id, name) VALUES ($1, $2, 'default')`, [tenantId, ids.policy]);
  await q(`INSERT INTO escalation_levels (tenant_id, id, policy_id, position, delay_seconds, webhook_endpoint_ids) VALUES ($1, $2, $3, 1, 0, ARRAY[$4]::uuid[])`, [tenantId, ids.level, ids.policy, ids.endpoint]);
  await q(
    `INSERT INTO deliveries (tenant_id, id, endpoint_id, incident_id, message_id, idempotency_key, event_type, payload) VALUES ($1, $2, $3, $4, 'msg_1', $5, 'incident.triggered', '{}')`,
    [tenantId, ids.delivery, ids.endpoint, ids.incident, `k-${ids.delivery}`],
  );
  await q(`INSERT INTO delivery_attempts (tenant_id, id, delivery_id, attempt, status_code) VALUES ($1, $2, $3, 1, 200)`, [tenantId, ids.attempt, ids.delivery]);
  await q(`INSERT INTO reports (tenant_id, id, period_from, period_to) VALUES ($1, $2, now() - interval '30 days', now())`, [tenantId, ids.report]);
  await q(`INSERT INTO report_artifacts (tenant_id, report_id, format, content, size_bytes, sha256) VALUES ($1, $2, 'JSON', '\\x7b7d', 2, 'x')`, [tenantId, ids.report]);
  return ids;
}
