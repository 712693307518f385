import { invalidInput } from '@watchfloor/errors';
import { type Connection, toConnection } from '@watchfloor/pagination';
import type { ScopedTx } from '@watchfloor/tenancy';
import { IncidentOrderField, OrderDirection, type AlertFilter, type AlertRow, type IncidentFilter, type IncidentOrder, type IncidentRow } from './triage.types';

export const INCIDENT_COLUMNS = `i.id, i.tenant_id AS "tenantId", i.number::int AS number, i.title, i.summary, i.status, i.severity,
  i.assignee_id AS "assigneeId", i.alert_count AS "alertCount", i.techniques, i.asset_ids AS "assetIds", i.merged_into_id AS "mergedIntoId",
  i.version, i.created_at AS "createdAt", i.updated_at AS "updatedAt", i.acknowledged_at AS "acknowledgedAt", i.resolved_at AS "resolvedAt",
  i.closed_at AS "closedAt"`;

export const ALERT_COLUMNS = `a.id, a.tenant_id AS "tenantId", a.rule_id AS "ruleId", a.rule_ref AS "ruleRef", a.rule_kind AS "ruleKind",
  a.rule_title AS "ruleTitle", a.rule_author AS "ruleAuthor", a.severity, a.disposition, a.created_at AS "createdAt", a.event_ts AS "eventTs",
  host(a.src_ip) AS "srcIp", host(a.dst_ip) AS "dstIp", a.techniques, a.event_count AS "eventCount", a.event_ids AS "eventIds",
  a.incident_id AS "incidentId", a.details`;

const SEVERITY_RANK_SQL = `array_position(ARRAY['INFO','LOW','MEDIUM','HIGH','CRITICAL'], i.severity)`;

/** The sort key of each order field: its SQL, the cast of a cursor value, and how it is read back exactly. */
const ORDER_KEYS: Record<IncidentOrderField, { sql: string; cast: string; select: string }> = {
  // Timestamps travel in cursors as Postgres text: full microsecond precision, so no row repeats or is skipped.
  CREATED_AT: { sql: 'i.created_at', cast: 'timestamptz', select: 'i.created_at::text' },
  UPDATED_AT: { sql: 'i.updated_at', cast: 'timestamptz', select: 'i.updated_at::text' },
  SEVERITY: { sql: SEVERITY_RANK_SQL, cast: 'int', select: SEVERITY_RANK_SQL },
  NUMBER: { sql: 'i.number', cast: 'bigint', select: 'i.number::text' },
};

class WhereBuilder {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: (p: string) => string, value: unknown): void {
    this.params.push(value);
    this.parts.push(sql(`$${this.params.length}`));
  }
  sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

function incidentWhere(filter: IncidentFilter): WhereBuilder {
  const w = new WhereBuilder();
  if (filter.tenantIds?.length) w.add((p) => `i.tenant_id = ANY(${p}::uuid[])`, filter.tenantIds);
  if (filter.status?.length) w.add((p) => `i.status = ANY(${p}::text[])`, filter.status);
  if (filter.severity?.length) w.add((p) => `i.severity = ANY(${p}::text[])`, filter.severity);
  if (filter.assigneeId) w.add((p) => `i.assignee_id = ${p}::uuid`, filter.assigneeId);
  if (filter.createdAfter) w.add((p) => `i.created_at >= ${p}`, filter.createdAfter);
  if (filter.createdBefore) w.add((p) => `i.created_at < ${p}`, filter.createdBefore);
  if (filter.search?.trim()) {
    const term = filter.search.trim();
    if (/^#?\d{1,15}$/.test(term)) w.add((p) => `i.number = ${p}::bigint`, term.replace('#', ''));
    else w.add((p) => `(i.title ILIKE ${p} OR i.summary ILIKE ${p})`, `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.slaBreached === true) w.parts.push(`(i.acknowledge_breached_at IS NOT NULL OR i.resolve_breached_at IS NOT NULL)`);
  if (filter.slaBreached === false) w.parts.push(`(i.acknowledge_breached_at IS NULL AND i.resolve_breached_at IS NULL)`);
  return w;
}

export async function listIncidents(
  tx: ScopedTx,
  filter: IncidentFilter,
  order: IncidentOrder | null,
  first: number,
  cursor: unknown[] | null,
): Promise<Connection<IncidentRow>> {
  const field = order?.field ?? IncidentOrderField.CREATED_AT;
  const dir = order?.direction === OrderDirection.ASC ? 'ASC' : 'DESC';
  const key = ORDER_KEYS[field];
  // One statement for the total and the page (one round trip): the count's placeholders are the
  // filter's, which the page query repeats first, so both read the same parameter list.
  const count = incidentWhere(filter);
  const page = incidentWhere(filter);
  if (cursor) {
    if (typeof cursor[0] !== 'string' && typeof cursor[0] !== 'number') throw invalidInput('after is not a cursor of this list');
    page.params.push(cursor[0], cursor[1]);
    const a = page.params.length - 1;
    page.parts.push(`(${key.sql}, i.id) ${dir === 'DESC' ? '<' : '>'} ($${a}::${key.cast}, $${a + 1}::uuid)`);
  }
  page.params.push(first + 1);
  const rows = await tx.query<IncidentRow & { sortKey: string | number; totalCount: number }>(
    `SELECT t.n AS "totalCount", p.* FROM (SELECT count(*)::int AS n FROM incidents i ${count.sql()}) t
     LEFT JOIN LATERAL (
       SELECT ${INCIDENT_COLUMNS}, ${key.select} AS "sortKey" FROM incidents i ${page.sql()}
       ORDER BY ${key.sql} ${dir}, i.id ${dir} LIMIT $${page.params.length}) p ON true`,
    page.params,
  );
  const n = rows[0]?.totalCount ?? 0;
  const found = rows.filter((r) => r.id !== null);
  return toConnection(found, first, n, (r) => [r.sortKey, r.id], ({ sortKey: _k, totalCount: _t, ...row }) => row);
}

export async function incidentById(tx: ScopedTx, id: string, lock = false): Promise<IncidentRow | null> {
  const [row] = await tx.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents i WHERE i.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return row ?? null;
}

export async function listAlerts(tx: ScopedTx, filter: AlertFilter, first: number, cursor: unknown[] | null): Promise<Connection<AlertRow>> {
  const build = () => {
    const w = new WhereBuilder();
    if (filter.tenantIds?.length) w.add((p) => `a.tenant_id = ANY(${p}::uuid[])`, filter.tenantIds);
    if (filter.severity?.length) w.add((p) => `a.severity = ANY(${p}::text[])`, filter.severity);
    if (filter.ruleId) w.add((p) => `a.rule_id = ${p}::uuid`, filter.ruleId);
    if (filter.incidentId) w.add((p) => `a.incident_id = ${p}::uuid`, filter.incidentId);
    if (filter.createdAfter) w.add((p) => `a.created_at >= ${p}`, filter.createdAfter);
    if (filter.createdBefore) w.add((p) => `a.created_at < ${p}`, filter.createdBefore);
    return w;
  };
  const count = build();
  const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM alerts a ${count.sql()}`, count.params);
  const page = build();
  if (cursor) {
    page.params.push(cursor[0], cursor[1]);
    page.parts.push(`(a.created_at, a.id) < ($${page.params.length - 1}::timestamptz, $${page.params.length}::uuid)`);
  }
  page.params.push(first + 1);
  const rows = await tx.query<AlertRow & { sortKey: string }>(
    `SELECT ${ALERT_COLUMNS}, a.created_at::text AS "sortKey" FROM alerts a ${page.sql()} ORDER BY a.created_at DESC, a.id DESC LIMIT $${page.params.length}`,
    page.params,
  );
  return toConnection(rows, first, n, (r) => [r.sortKey, r.id], ({ sortKey: _k, ...row }) => row);
}
