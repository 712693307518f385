// Test plant for the detect pipeline: one tenant with the Purdue zones of the brief, a conduit
// Engineering → Control tcp/502 and the pump PLC; and a writer that turns Zeek JSON records into
// events + an ingest batch through the real ingest write path.
import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventPartitionCache } from '@watchfloor/db';
import { encodeBatch, EventBatchAssembler, writeEventBatch } from '@watchfloor/ingest';
import type { TenantDb } from '@watchfloor/tenancy';

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

/**
 * Sends the records through the ingest write path (libs/ingest: EventBatchAssembler normalizes,
 * writeEventBatch stores events + a PENDING ingest batch in one transaction) and returns the batch.
 */
export async function insertZeekBatch(db: TenantDb, plant: Plant, records: Record<string, unknown>[], receivedAt = new Date()): Promise<{ batchId: string; accepted: number }> {
  const assembler = new EventBatchAssembler(plant.sensorId, { format: 'zeek', receivedAt }, 100000);
  records.forEach((r, i) => assembler.addRecord(i + 1, r));
  const batch = assembler.finish();
  if (batch.rejectedCount > 0) throw new Error(`fixture records rejected: ${JSON.stringify(batch.rejected.slice(0, 3))}`);
  const batchId = crypto.randomUUID();
  const written = await writeEventBatch(
    db,
    partitions,
    { tenantId: plant.tenantId, sensorId: plant.sensorId, batchId, receivedAt, batch: encodeBatch(batch) },
    { partitionWindow: { from: new Date(receivedAt.getTime() - 30 * 86400000), to: new Date(receivedAt.getTime() + 8 * 86400000) } },
  );
  return { batchId, accepted: written.accepted };
}

const partitions = new EventPartitionCache();

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
