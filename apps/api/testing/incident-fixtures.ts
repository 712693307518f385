import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface SeededIncident {
  incidentId: string;
  alertIds: string[];
  eventIds: string[];
  assetId: string;
  sensorId: string;
  zoneId: string;
}

/**
 * One incident of a tenant with its graph: a zone, an asset, a sensor, events, alerts attached to
 * the incident, and two timeline entries (one INTERNAL, one CUSTOMER). Written through the owner
 * connection, as the detection worker would have.
 */
export async function seedIncident(
  owner: DataSource,
  tenantId: string,
  options: { title?: string; severity?: string; status?: string; alerts?: number; assigneeId?: string | null; createdAt?: Date } = {},
): Promise<SeededIncident> {
  const id = () => crypto.randomUUID();
  const zoneId = id();
  const assetId = id();
  const sensorId = id();
  const batchId = id();
  const incidentId = id();
  const tag = incidentId.slice(0, 8);
  await owner.query(`INSERT INTO zones (tenant_id, id, name, purdue_level, cidrs) VALUES ($1, $2, $3, 1, '{10.30.0.0/16}')`, [tenantId, zoneId, `Control ${tag}`]);
  await owner.query(`INSERT INTO assets (tenant_id, id, name, ip, purdue_level, criticality, zone_id) VALUES ($1, $2, $3, $4, 1, 'CRITICAL', $5)`, [
    // 24 random bits: many incidents per tenant must not collide on the unique (tenant, ip).
    tenantId, assetId, `PLC ${tag}`, `10.${[...crypto.randomBytes(3)].join('.')}`, zoneId,
  ]);
  await owner.query(`INSERT INTO sensors (tenant_id, id, name, kind) VALUES ($1, $2, $3, 'ZEEK')`, [tenantId, sensorId, `zeek ${tag}`]);
  await owner.query(`INSERT INTO ingest_batches (tenant_id, id, sensor_id, format, accepted) VALUES ($1, $2, $3, 'zeek', 1)`, [tenantId, batchId, sensorId]);
  await owner.query(`SELECT wf_ensure_event_partition(current_date)`);
  const createdAt = options.createdAt ?? new Date();
  await owner.query(
    `INSERT INTO incidents (tenant_id, id, title, summary, status, severity, assignee_id, grouping_key, window_started_at, last_alert_at, alert_count, techniques, asset_ids, created_at, updated_at)
     VALUES ($1, $2, $3, 'Modbus writes from an engineering workstation', $4, $5, $6, $7, now(), now(), $8, '{T0855}', ARRAY[$9::uuid], $10, $10)`,
    [tenantId, incidentId, options.title ?? `Unexpected Modbus write ${tag}`, options.status ?? 'NEW', options.severity ?? 'HIGH', options.assigneeId ?? null,
     `k-${tag}`, options.alerts ?? 2, assetId, createdAt],
  );
  const alertIds: string[] = [];
  const eventIds: string[] = [];
  for (let i = 0; i < (options.alerts ?? 2); i++) {
    const eventId = id();
    const alertId = id();
    eventIds.push(eventId);
    alertIds.push(alertId);
    await owner.query(
      `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, severity, src_ip, dst_ip, dst_port, ot_protocol, raw)
       VALUES ($1, $2, now(), now(), $3, $4, 'zeek', 'zeek', 'modbus', 'ot_command', 3, '10.10.0.5', '10.30.0.11', 502, 'modbus', '{"func":"write_single_register"}')`,
      [tenantId, eventId, sensorId, batchId],
    );
    await owner.query(
      `INSERT INTO alerts (tenant_id, id, dedup_key, rule_id, rule_kind, rule_ref, rule_title, rule_author, severity, event_id, event_ts, event_ids, src_ip, dst_ip, techniques, grouping_key, incident_id, details)
       VALUES ($1, $2, $3, NULL, 'BUILTIN', 'ot.unexpected_write', 'Unexpected control write', 'Watchfloor', 'HIGH', $4, now(), ARRAY[$4::uuid], '10.10.0.5', '10.30.0.11', '{T0855}', $5, $6, '{"matched":"func=write_single_register"}')`,
      [tenantId, alertId, `d-${alertId}`, eventId, `k-${tag}`, incidentId],
    );
    await owner.query(`INSERT INTO incident_alerts (tenant_id, incident_id, alert_id) VALUES ($1, $2, $3)`, [tenantId, incidentId, alertId]);
  }
  await owner.query(
    `INSERT INTO incident_activity (tenant_id, incident_id, kind, body, visibility, created_at) VALUES
       ($1, $2, 'created', 'Incident opened', 'CUSTOMER', now() - interval '2 seconds'),
       ($1, $2, 'note', 'INTERNAL-ONLY: analyst suspects the vendor laptop', 'INTERNAL', now() - interval '1 second')`,
    [tenantId, incidentId],
  );
  return { incidentId, alertIds, eventIds, assetId, sensorId, zoneId };
}
