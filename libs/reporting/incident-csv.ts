import crypto from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { isUuid, type ScopedTx } from '@watchfloor/tenancy';
import { checkPeriod } from './period';
import { ReportingError, ReportingErrorCode } from './reporting.errors';
import type { IncidentReportRow, IncidentStatus, Severity } from './summary.types';
import { checkScope, COHORT_SQL } from './tenant-summary';

export const INCIDENT_CSV_COLUMNS = [
  'number',
  'id',
  'title',
  'severity',
  'status',
  'created',
  'acknowledged',
  'resolved',
  'time_to_acknowledge_s',
  'time_to_resolve_s',
  'acknowledge_due',
  'resolve_due',
  'acknowledge_breached',
  'resolve_breached',
  'techniques',
  'assets',
] as const;

/** Rows fetched from the server-side cursor at a time: bounds memory whatever the period holds. */
export const CSV_FETCH_ROWS = 2000;

/** A cell a spreadsheet would run as a formula gets a leading apostrophe (titles come from rules and events). */
function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One incident as CSV cells (pure; times ISO 8601 UTC, durations whole seconds, lists ';'-joined). */
export function incidentCsvCells(row: IncidentReportRow): string[] {
  return [
    String(row.number),
    row.id,
    neutraliseFormula(row.title),
    row.severity,
    row.status,
    row.createdAt,
    row.acknowledgedAt ?? '',
    row.resolvedAt ?? '',
    row.timeToAcknowledgeSeconds === null ? '' : String(row.timeToAcknowledgeSeconds),
    row.timeToResolveSeconds === null ? '' : String(row.timeToResolveSeconds),
    row.acknowledgeDueAt ?? '',
    row.resolveDueAt ?? '',
    row.acknowledgeBreached ? 'yes' : 'no',
    row.resolveBreached ? 'yes' : 'no',
    row.techniques.join(';'),
    neutraliseFormula(row.assets.join(';')),
  ];
}

export function incidentCsvText(rows: readonly IncidentReportRow[], withHeader: boolean): string {
  const records = rows.map(incidentCsvCells);
  return stringify(withHeader ? [[...INCIDENT_CSV_COLUMNS], ...records] : records, { eof: true, record_delimiter: '\r\n' });
}

/** Per-incident report rows; $1 tenant, $2 from, $3 to. Same cohort and figures as tenantSummary. */
const INCIDENT_ROWS_SQL = `
  SELECT c.number, c.id, c.title, c.severity, c.status, c.created_at, c.acknowledged_at, c.resolved_at, c.tta, c.ttr,
    c.acknowledge_due_at, c.resolve_due_at, c.acknowledge_breached_at IS NOT NULL AS ack_breached,
    c.resolve_breached_at IS NOT NULL AS resolve_breached, c.techniques,
    coalesce((SELECT array_agg(s.name ORDER BY s.name) FROM assets s WHERE s.tenant_id = $1 AND s.id = ANY (c.asset_ids)), '{}') AS asset_names
  FROM (${COHORT_SQL}) c`;

function toReportRow(r: Record<string, unknown>): IncidentReportRow {
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());
  return {
    number: Number(r.number),
    id: String(r.id),
    title: String(r.title),
    severity: r.severity as Severity,
    status: r.status as IncidentStatus,
    createdAt: iso(r.created_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    resolvedAt: iso(r.resolved_at),
    timeToAcknowledgeSeconds: r.tta === null ? null : Number(r.tta),
    timeToResolveSeconds: r.ttr === null ? null : Number(r.ttr),
    acknowledgeDueAt: iso(r.acknowledge_due_at),
    resolveDueAt: iso(r.resolve_due_at),
    acknowledgeBreached: r.ack_breached === true,
    resolveBreached: r.resolve_breached === true,
    techniques: (r.techniques as string[] | null) ?? [],
    assets: (r.asset_names as string[] | null) ?? [],
  };
}

export interface IncidentListInput {
  tenantId: string;
  from: Date;
  to: Date;
}

function checkListInput(tx: ScopedTx, input: IncidentListInput): void {
  if (!isUuid(input.tenantId)) throw new ReportingError(ReportingErrorCode.InvalidTenant, `not a tenant id: ${JSON.stringify(input.tenantId)}`);
  checkScope(tx, input.tenantId);
  checkPeriod(input.from, input.to, 'UTC');
}

/**
 * Every incident of the period in creation order, read through a server-side cursor
 * CSV_FETCH_ROWS at a time: memory stays bounded for any number of incidents. Must run inside
 * the scoped transaction (a cursor lives as long as its transaction).
 */
export async function* incidentReportRows(tx: ScopedTx, input: IncidentListInput, fetchRows = CSV_FETCH_ROWS): AsyncGenerator<IncidentReportRow[]> {
  checkListInput(tx, input);
  const chunk = Math.max(1, Math.min(100_000, Math.floor(fetchRows)));
  const cursor = `wf_incidents_${crypto.randomBytes(6).toString('hex')}`;
  await tx.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${INCIDENT_ROWS_SQL} ORDER BY c.created_at, c.number`, [input.tenantId, input.from, input.to]);
  try {
    for (;;) {
      const rows = await tx.query(`FETCH FORWARD ${chunk} FROM ${cursor}`);
      if (rows.length === 0) break;
      yield rows.map(toReportRow);
      if (rows.length < chunk) break;
    }
  } finally {
    await tx.query(`CLOSE ${cursor}`);
  }
}

/** The N most severe incidents of the period (then most recent first), for the PDF table. */
export async function topIncidentRows(tx: ScopedTx, input: IncidentListInput & { limit: number }): Promise<IncidentReportRow[]> {
  checkListInput(tx, input);
  const limit = Math.max(0, Math.min(1000, Math.floor(input.limit)));
  const rows = await tx.query(
    `${INCIDENT_ROWS_SQL}
     ORDER BY array_position(ARRAY['CRITICAL','HIGH','MEDIUM','LOW','INFO'], c.severity), c.created_at DESC, c.number DESC LIMIT ${limit}`,
    [input.tenantId, input.from, input.to],
  );
  return rows.map(toReportRow);
}

/**
 * Streams the period's incidents as CSV (header + one row per incident) into `writable`,
 * honouring back-pressure. Does not end the writable. Returns the number of incident rows.
 */
export async function streamIncidentCsv(tx: ScopedTx, input: IncidentListInput, writable: Writable, options: { fetchRows?: number } = {}): Promise<number> {
  const write = async (text: string) => {
    if (!writable.write(text)) await once(writable, 'drain');
  };
  checkListInput(tx, input);
  let count = 0;
  await write(incidentCsvText([], true));
  for await (const chunk of incidentReportRows(tx, input, options.fetchRows)) {
    await write(incidentCsvText(chunk, false));
    count += chunk.length;
  }
  return count;
}
