// Reads a batch's events from the events table and presents each one the way the detectors want
// it: Sigma sees {raw, normalized (snake_case)}, OT detections see the camelCase event view.
import type { SigmaEvent } from '@watchfloor/detection/sigma';
import type { OtEventView, OtOperation } from '@watchfloor/detection/ot';
import { loadBatchEvents } from '@watchfloor/ingest';
import type { ScopedTx } from '@watchfloor/tenancy';

export const EVENT_SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

export interface BatchEventRow {
  id: string;
  ts: Date;
  sensor_id: string;
  source_format: string;
  source_product: string;
  source_log: string;
  event_class: string;
  category: string | null;
  severity: number;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  transport: string | null;
  app_protocol: string | null;
  community_id: string | null;
  signature: string | null;
  signature_id: string | null;
  attack_ids: string[] | null;
  ot_protocol: string | null;
  ot_function: string | null;
  ot_function_code: number | null;
  ot_unit_id: number | null;
  ot_operation: string | null;
  message: string | null;
  raw: Record<string, unknown>;
}

export interface BatchEvent {
  row: BatchEventRow;
  sigma: SigmaEvent;
  ot: OtEventView;
}

export interface BatchRow {
  id: string;
  status: string;
  min_ts: Date | null;
  max_ts: Date | null;
}

export async function loadBatch(tx: ScopedTx, tenantId: string, batchId: string): Promise<BatchRow | null> {
  const [row] = await tx.query<BatchRow>(`SELECT id, status, min_ts, max_ts FROM ingest_batches WHERE tenant_id = $1 AND id = $2`, [tenantId, batchId]);
  return row ?? null;
}

/**
 * The batch's events in time order, read with libs/ingest's loadBatchEvents (pages by id; the
 * batch's min/max ts let Postgres prune day partitions).
 */
export async function loadBatchEventRows(tx: ScopedTx, tenantId: string, batch: BatchRow): Promise<BatchEventRow[]> {
  const out: BatchEventRow[] = [];
  const PAGE = 20000;
  let afterId: string | undefined;
  for (;;) {
    const page = await loadBatchEvents(tx, tenantId, batch.id, { afterId, limit: PAGE });
    for (const e of page) {
      out.push({
        id: e.id,
        ts: e.ts,
        sensor_id: e.sensorId,
        source_format: e.sourceFormat,
        source_product: e.sourceProduct,
        source_log: e.sourceLog,
        event_class: e.eventClass,
        category: e.category,
        severity: EVENT_SEVERITIES.indexOf(e.severity),
        src_ip: e.srcIp,
        src_port: e.srcPort,
        dst_ip: e.dstIp,
        dst_port: e.dstPort,
        transport: e.transport,
        app_protocol: e.appProtocol,
        community_id: e.communityId,
        signature: e.signature,
        signature_id: e.signatureId,
        attack_ids: e.attackIds,
        ot_protocol: e.otProtocol,
        ot_function: e.otFunction,
        ot_function_code: e.otFunctionCode,
        ot_unit_id: e.otUnitId,
        ot_operation: e.otOperation,
        message: e.message,
        raw: e.raw,
      });
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1].id;
  }
  return out.sort((a, b) => a.ts.getTime() - b.ts.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function toBatchEvent(row: BatchEventRow): BatchEvent {
  const normalized: Record<string, unknown> = {
    ts: row.ts.toISOString(),
    source_format: row.source_format,
    source_product: row.source_product,
    source_log: row.source_log,
    event_class: row.event_class,
    category: row.category,
    severity: EVENT_SEVERITIES[row.severity] ?? 'INFO',
    src_ip: row.src_ip,
    src_port: row.src_port,
    dst_ip: row.dst_ip,
    dst_port: row.dst_port,
    transport: row.transport,
    app_protocol: row.app_protocol,
    community_id: row.community_id,
    signature: row.signature,
    signature_id: row.signature_id,
    attack_ids: row.attack_ids ?? [],
    ot_protocol: row.ot_protocol,
    ot_function: row.ot_function,
    ot_function_code: row.ot_function_code,
    ot_unit_id: row.ot_unit_id,
    ot_operation: row.ot_operation,
    message: row.message,
  };
  for (const k of Object.keys(normalized)) if (normalized[k] === null) delete normalized[k];
  return {
    row,
    sigma: { raw: row.raw ?? {}, normalized },
    ot: {
      ts: row.ts,
      sourceProduct: row.source_product,
      sourceLog: row.source_log,
      eventClass: row.event_class,
      srcIp: row.src_ip,
      srcPort: row.src_port,
      dstIp: row.dst_ip,
      dstPort: row.dst_port,
      transport: row.transport,
      appProtocol: row.app_protocol,
      otProtocol: row.ot_protocol,
      otFunction: row.ot_function,
      otFunctionCode: row.ot_function_code,
      otUnitId: row.ot_unit_id,
      otOperation: row.ot_operation as OtOperation | null,
    },
  };
}

/** Field lookup as Sigma does it: raw literal key, raw dotted path, then the normalized map. */
export function eventField(event: SigmaEvent, name: string): unknown {
  const raw = event.raw;
  if (Object.prototype.hasOwnProperty.call(raw, name)) return raw[name];
  if (name.includes('.')) {
    let cur: unknown = raw;
    for (const part of name.split('.')) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) {
        cur = undefined;
        break;
      }
      cur = Object.prototype.hasOwnProperty.call(cur, part) ? (cur as Record<string, unknown>)[part] : undefined;
    }
    if (cur !== undefined) return cur;
  }
  return event.normalized[name];
}
