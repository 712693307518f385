// Reads a batch's events from the events table and presents each one the way the detectors want
// it: Sigma sees {raw, normalized (snake_case)}, OT detections see the camelCase event view.
import type { SigmaEvent } from '@watchfloor/detection/sigma';
import type { OtEventView, OtOperation } from '@watchfloor/detection/ot';
import { loadBatchEvents, type StoredEvent } from '@watchfloor/ingest';
import type { ScopedTx } from '@watchfloor/tenancy';

export interface BatchEvent {
  /** The event as stored (libs/ingest loadBatchEvents). */
  row: StoredEvent;
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
export async function loadBatchEventRows(tx: ScopedTx, tenantId: string, batch: BatchRow): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  const PAGE = 20000;
  let afterId: string | undefined;
  for (;;) {
    const page = await loadBatchEvents(tx, tenantId, batch.id, { afterId, limit: PAGE, bounds: { minTs: batch.min_ts, maxTs: batch.max_ts } });
    out.push(...page);
    if (page.length < PAGE) break;
    afterId = page[page.length - 1].id;
  }
  return out.sort((a, b) => a.ts.getTime() - b.ts.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function toBatchEvent(row: StoredEvent): BatchEvent {
  // Sigma reads the normalized fields by their snake_case names (docs/sigma.md).
  const normalized: Record<string, unknown> = {
    ts: row.ts.toISOString(),
    source_format: row.sourceFormat,
    source_product: row.sourceProduct,
    source_log: row.sourceLog,
    event_class: row.eventClass,
    category: row.category,
    severity: row.severity,
    src_ip: row.srcIp,
    src_port: row.srcPort,
    dst_ip: row.dstIp,
    dst_port: row.dstPort,
    transport: row.transport,
    app_protocol: row.appProtocol,
    community_id: row.communityId,
    signature: row.signature,
    signature_id: row.signatureId,
    attack_ids: row.attackIds ?? [],
    ot_protocol: row.otProtocol,
    ot_function: row.otFunction,
    ot_function_code: row.otFunctionCode,
    ot_unit_id: row.otUnitId,
    ot_operation: row.otOperation,
    message: row.message,
  };
  for (const k of Object.keys(normalized)) if (normalized[k] === null) delete normalized[k];
  return {
    row,
    sigma: { raw: row.raw ?? {}, normalized },
    ot: {
      ts: row.ts,
      sourceProduct: row.sourceProduct,
      sourceLog: row.sourceLog,
      eventClass: row.eventClass,
      srcIp: row.srcIp,
      srcPort: row.srcPort,
      dstIp: row.dstIp,
      dstPort: row.dstPort,
      transport: row.transport,
      appProtocol: row.appProtocol,
      otProtocol: row.otProtocol,
      otFunction: row.otFunction,
      otFunctionCode: row.otFunctionCode,
      otUnitId: row.otUnitId,
      otOperation: row.otOperation as OtOperation | null,
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
