import type { ScopedTx } from '@watchfloor/tenancy';
import { generateApiKey } from './api-keys';

export type SensorKind = 'SURICATA' | 'ZEEK' | 'FIREWALL' | 'OT_MONITOR' | 'OTHER';

export interface SensorRow {
  id: string;
  tenantId: string;
  name: string;
  kind: SensorKind;
  declaredLog: string | null;
  expectedIntervalSeconds: number;
  lastEventAt: Date | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  keyRevokedAt: Date | null;
}

export const SENSOR_COLUMNS = `s.id, s.tenant_id AS "tenantId", s.name, s.kind, s.declared_log AS "declaredLog",
  s.expected_interval_seconds AS "expectedIntervalSeconds", s.last_event_at AS "lastEventAt", s.last_seen_at AS "lastSeenAt",
  s.created_at AS "createdAt",
  (SELECT max(k.revoked_at) FROM api_keys k WHERE k.tenant_id = s.tenant_id AND k.sensor_id = s.id
     AND NOT EXISTS (SELECT 1 FROM api_keys k2 WHERE k2.tenant_id = s.tenant_id AND k2.sensor_id = s.id AND k2.revoked_at IS NULL)) AS "keyRevokedAt"`;

/** Creates a sensor and its first API key inside the caller's tenant scope; the key is returned once. */
export async function createSensorWithKey(
  tx: ScopedTx,
  input: { tenantId: string; name: string; kind: SensorKind; declaredLog?: string | null; expectedIntervalSeconds?: number },
): Promise<{ sensor: SensorRow; apiKey: string }> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO sensors (tenant_id, name, kind, declared_log, expected_interval_seconds) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [input.tenantId, input.name, input.kind, input.declaredLog ?? null, input.expectedIntervalSeconds ?? 900],
  );
  const key = generateApiKey();
  await tx.query(`INSERT INTO api_keys (tenant_id, sensor_id, key_prefix, key_hash) VALUES ($1, $2, $3, $4)`, [input.tenantId, row.id, key.prefix, key.hash]);
  const [sensor] = await tx.query<SensorRow>(`SELECT ${SENSOR_COLUMNS} FROM sensors s WHERE s.tenant_id = $1 AND s.id = $2`, [input.tenantId, row.id]);
  return { sensor, apiKey: key.key };
}

/** Revokes every active key of a sensor. Returns null when the sensor is not visible in scope. */
export async function revokeSensorKeys(tx: ScopedTx, sensorId: string): Promise<SensorRow | null> {
  const [sensor] = await tx.query<SensorRow>(`SELECT ${SENSOR_COLUMNS} FROM sensors s WHERE s.id = $1`, [sensorId]);
  if (!sensor) return null;
  await tx.query(`UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND sensor_id = $2 AND revoked_at IS NULL`, [sensor.tenantId, sensorId]);
  const [after] = await tx.query<SensorRow>(`SELECT ${SENSOR_COLUMNS} FROM sensors s WHERE s.tenant_id = $1 AND s.id = $2`, [sensor.tenantId, sensorId]);
  return after;
}
