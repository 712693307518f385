// Test plant for the detect pipeline: one tenant with the Purdue zones of the brief, a conduit
// Engineering → Control tcp/502 and the pump PLC; and a writer that turns Zeek JSON records into
// events + an ingest batch the way ingest stores them (normalized by libs/normalize).
import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { eventFingerprint, fingerprintToUuid, parseRecord, SEVERITIES, type NormalizedEvent } from '@watchfloor/normalize';

export interface Plant {
  tenantId: string;
  sensorId: string;
  zones: { it: string; eng: string; control: string };
  plcId: string;
  hmiId: string;
}

export async function seedPlant(owner: DataSource, settings: Record<string, unknown> = {}): Promise<Plant> {
  const tenantId = crypto.randomUUID();
  const sensorId = crypto.randomUUID();
  const zones = { it: crypto.randomUUID(), eng: crypto.randomUUID(), control: crypto.randomUUID() };
  const plcId = crypto.randomUUID();
  const hmiId = crypto.randomUUID();
  await owner.query(`INSERT INTO tenants (id, name, slug, settings) VALUES ($1, 'Water utility', $2, $3::jsonb)`, [tenantId, `water-${tenantId.slice(0, 8)}`, JSON.stringify(settings)]);
  await owner.query(`INSERT INTO sensors (tenant_id, id, name, kind) VALUES ($1, $2, 'plant-zeek', 'ZEEK')`, [tenantId, sensorId]);
  await owner.query(
    `INSERT INTO zones (tenant_id, id, name, purdue_level, cidrs) VALUES
       ($1, $2, 'Corporate IT', 4, '{10.10.0.0/16}'), ($1, $3, 'Engineering', 3, '{10.20.0.0/16}'), ($1, $4, 'Control', 1, '{10.30.0.0/16}')`,
    [tenantId, zones.it, zones.eng, zones.control],
  );
  await owner.query(`INSERT INTO conduits (tenant_id, from_zone_id, to_zone_id, protocol, ports) VALUES ($1, $2, $3, 'tcp', '{502}')`, [tenantId, zones.eng, zones.control]);
  await owner.query(
    `INSERT INTO assets (tenant_id, id, name, ip, purdue_level, criticality, zone_id) VALUES
       ($1, $2, 'Pump PLC', '10.30.0.11', 1, 'CRITICAL', $4), ($1, $3, 'Operator HMI', '10.30.0.20', 2, 'HIGH', $4)`,
    [tenantId, plcId, hmiId, zones.control],
  );
  return { tenantId, sensorId, zones, plcId, hmiId };
}

let uidCounter = 0;
const uid = () => `C${(++uidCounter).toString(36).padStart(8, '0')}`;

export function zeekConn(ts: Date, src: string, dst: string, dstPort: number, connState: string, srcPort = 40000 + (uidCounter % 20000)): Record<string, unknown> {
  return { _path: 'conn', ts: ts.getTime() / 1000, uid: uid(), 'id.orig_h': src, 'id.orig_p': srcPort, 'id.resp_h': dst, 'id.resp_p': dstPort, proto: 'tcp', conn_state: connState, duration: 0.01, orig_bytes: 0, resp_bytes: 0 };
}

export function zeekModbus(ts: Date, src: string, dst: string, func: string, pduType: 'REQ' | 'RESP' = 'REQ'): Record<string, unknown> {
  return { _path: 'modbus', ts: ts.getTime() / 1000, uid: uid(), 'id.orig_h': src, 'id.orig_p': 51000, 'id.resp_h': dst, 'id.resp_p': 502, unit_id: 1, func, pdu_type: pduType };
}

/** Normalizes the records, stores them as one ingest batch (PENDING) and returns its id. */
export async function insertZeekBatch(owner: DataSource, plant: Plant, records: Record<string, unknown>[], receivedAt = new Date()): Promise<{ batchId: string; eventIds: string[] }> {
  const batchId = crypto.randomUUID();
  const events: { id: string; e: NormalizedEvent }[] = [];
  for (const r of records) {
    const parsed = parseRecord(r, { format: 'zeek', receivedAt });
    if (!parsed.ok) throw new Error(`fixture record not parseable: ${parsed.error}`);
    events.push({ id: fingerprintToUuid(eventFingerprint(plant.sensorId, parsed.event)), e: parsed.event });
  }
  const days = [...new Set(events.map((x) => x.e.ts.toISOString().slice(0, 10)))];
  for (const d of days) await owner.query(`SELECT wf_ensure_event_partition($1::date)`, [d]);
  const ts = events.map((x) => x.e.ts.getTime());
  await owner.query(
    `INSERT INTO ingest_batches (tenant_id, id, sensor_id, format, accepted, min_ts, max_ts, received_at) VALUES ($1, $2, $3, 'zeek', $4, $5, $6, $7)`,
    [plant.tenantId, batchId, plant.sensorId, events.length, new Date(Math.min(...ts)), new Date(Math.max(...ts)), receivedAt],
  );
  const rows = events.map(({ id, e }) => ({
    id, ts: e.ts.toISOString(), source_format: e.sourceFormat, source_product: e.sourceProduct, source_log: e.sourceLog, event_class: e.eventClass,
    category: e.category, severity: SEVERITIES.indexOf(e.severity), src_ip: e.srcIp, src_port: e.srcPort, dst_ip: e.dstIp, dst_port: e.dstPort,
    transport: e.transport, app_protocol: e.appProtocol, community_id: e.communityId, signature: e.signature, signature_id: e.signatureId,
    attack_ids: e.attackIds, ot_protocol: e.otProtocol, ot_function: e.otFunction, ot_function_code: e.otFunctionCode, ot_unit_id: e.otUnitId,
    ot_operation: e.otOperation, message: e.message, raw: e.raw,
  }));
  for (let i = 0; i < rows.length; i += 5000) {
    await owner.query(
      `INSERT INTO events (tenant_id, id, ts, received_at, sensor_id, batch_id, source_format, source_product, source_log, event_class, category, severity,
                           src_ip, src_port, dst_ip, dst_port, transport, app_protocol, community_id, signature, signature_id, attack_ids,
                           ot_protocol, ot_function, ot_function_code, ot_unit_id, ot_operation, message, raw)
       SELECT $1, x.id, x.ts, $2, $3, $4, x.source_format, x.source_product, x.source_log, x.event_class, x.category, x.severity,
              x.src_ip, x.src_port, x.dst_ip, x.dst_port, x.transport, x.app_protocol, x.community_id, x.signature, x.signature_id, x.attack_ids,
              x.ot_protocol, x.ot_function, x.ot_function_code, x.ot_unit_id, x.ot_operation, x.message, x.raw
         FROM jsonb_to_recordset($5::jsonb) AS x(id uuid, ts timestamptz, source_format text, source_product text, source_log text, event_class text,
              category text, severity smallint, src_ip inet, src_port int, dst_ip inet, dst_port int, transport text, app_protocol text,
              community_id text, signature text, signature_id text, attack_ids text[], ot_protocol text, ot_function text, ot_function_code int,
              ot_unit_id int, ot_operation text, message text, raw jsonb)
       ON CONFLICT DO NOTHING`,
      [plant.tenantId, receivedAt, plant.sensorId, batchId, JSON.stringify(rows.slice(i, i + 5000))],
    );
  }
  return { batchId, eventIds: events.map((x) => x.id) };
}

/** The attack of the brief: a scan of the control network from a corporate host, then a Modbus write to the pump PLC. */
export function attackRecords(start: Date): Record<string, unknown>[] {
  const at = (s: number) => new Date(start.getTime() + s * 1000);
  const out: Record<string, unknown>[] = [];
  const ports = [21, 22, 23, 80, 102, 443, 502, 2222, 20000, 44818];
  let n = 0;
  for (const host of ['10.30.0.1', '10.30.0.5', '10.30.0.11']) for (const port of ports) out.push(zeekConn(at(1 + n++ * 0.5), '10.10.7.23', host, port, port === 502 && host === '10.30.0.11' ? 'RSTO' : 'S0'));
  out.push(zeekModbus(at(40), '10.10.7.23', '10.30.0.11', 'WRITE_MULTIPLE_REGISTERS'));
  return out;
}

/** Allowed engineering traffic through the conduit: must not raise anything. */
export function allowedRecords(start: Date): Record<string, unknown>[] {
  const at = (s: number) => new Date(start.getTime() + s * 1000);
  return [zeekConn(at(5), '10.20.1.5', '10.30.0.11', 502, 'SF'), zeekModbus(at(6), '10.20.1.5', '10.30.0.11', 'READ_HOLDING_REGISTERS')];
}
