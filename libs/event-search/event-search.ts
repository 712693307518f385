import { type ApiContext, loaderFor, withCallerRead } from '@watchfloor/auth';
import { invalidInput } from '@watchfloor/errors';
import { type Connection, toConnection } from '@watchfloor/pagination';
import type { ScopedTx, TenantDb } from '@watchfloor/tenancy';
import type { EventFilter, EventObject } from './event.types';

export const EVENT_COLUMNS = `e.id, e.tenant_id AS "tenantId", e.ts, e.received_at AS "receivedAt", e.sensor_id AS "sensorId",
  e.source_format AS "sourceFormat", e.source_product AS "sourceProduct", e.source_log AS "sourceLog", e.event_class AS "eventClass",
  e.category, e.severity, host(e.src_ip) AS "srcIp", e.src_port AS "srcPort", host(e.dst_ip) AS "dstIp", e.dst_port AS "dstPort",
  e.transport, e.app_protocol AS "appProtocol", e.community_id AS "communityId", e.signature, e.signature_id AS "signatureId",
  e.attack_ids AS "attackIds", e.ot_protocol AS "otProtocol", e.ot_function AS "otFunction", e.ot_function_code AS "otFunctionCode",
  e.ot_unit_id AS "otUnitId", e.ot_operation AS "otOperation", e.message, e.raw`;

/** totalCount of an event search stops counting here: events are too many to count exactly. */
export const EVENT_COUNT_CAP = 10000;

const IPV = /^[0-9a-fA-F:.]+$/;

export async function searchEvents(tx: ScopedTx, filter: EventFilter, first: number, cursor: unknown[] | null): Promise<Connection<EventObject>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.tenantIds?.length) add((p) => `e.tenant_id = ANY(${p}::uuid[])`, filter.tenantIds);
  if (filter.srcIp) {
    if (!IPV.test(filter.srcIp)) throw invalidInput('srcIp is not an IP address');
    add((p) => `e.src_ip = ${p}::inet`, filter.srcIp);
  }
  if (filter.dstIp) {
    if (!IPV.test(filter.dstIp)) throw invalidInput('dstIp is not an IP address');
    add((p) => `e.dst_ip = ${p}::inet`, filter.dstIp);
  }
  if (filter.sensorId) add((p) => `e.sensor_id = ${p}::uuid`, filter.sensorId);
  if (filter.from) add((p) => `e.ts >= ${p}`, filter.from);
  if (filter.to) add((p) => `e.ts < ${p}`, filter.to);
  if (filter.eventClass) add((p) => `e.event_class = ${p}`, filter.eventClass);
  const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM events e ${base} LIMIT ${EVENT_COUNT_CAP}) c`, params);
  const pageWhere = [...where];
  const pageParams = [...params];
  if (cursor) {
    pageParams.push(cursor[0], cursor[1]);
    pageWhere.push(`(e.ts, e.id) < ($${pageParams.length - 1}::timestamptz, $${pageParams.length}::uuid)`);
  }
  pageParams.push(first + 1);
  const rows = await tx.query<EventObject>(
    `SELECT ${EVENT_COLUMNS} FROM events e ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY e.ts DESC, e.id DESC LIMIT $${pageParams.length}`,
    pageParams,
  );
  return toConnection(rows, first, n, (r) => [new Date(r.ts).toISOString(), r.id], (r) => r);
}

/** Events by (tenant id, event id), batched per request. */
export function eventLoader(ctx: ApiContext, db: TenantDb) {
  return loaderFor<string, EventObject | null>(ctx, 'events', async (keys) => {
    const pairs = keys.map((k) => k.split(':'));
    const rows = await withCallerRead(ctx, db, (tx) =>
      tx.query<EventObject>(
        `SELECT ${EVENT_COLUMNS} FROM events e JOIN unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, id) ON e.tenant_id = k.tenant_id AND e.id = k.id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      ),
    );
    const byKey = new Map(rows.map((r) => [`${r.tenantId}:${r.id}`, r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}
