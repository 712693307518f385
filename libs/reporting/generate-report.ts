import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { Scope, type ScopedTx, type TenantDb, isUuid } from '@watchfloor/tenancy';
import { streamIncidentCsv, topIncidentRows } from './incident-csv';
import { renderReportJson } from './report-json';
import { DEFAULT_TABLE_ROWS, renderReportPdf } from './report-pdf';
import { ReportingError, ReportingErrorCode } from './reporting.errors';
import { tenantSummary } from './tenant-summary';

export interface GenerateReportOptions {
  /** The report's tenant (queue payloads carry it); looked up with an all-tenants scope when absent. */
  tenantId?: string;
  /** Rows of the PDF incident table. */
  pdfTableRows?: number;
}

export type GenerateReportResult =
  | { status: 'READY'; reportId: string; tenantId: string; artifacts: { format: 'JSON' | 'CSV' | 'PDF'; sizeBytes: number; sha256: string }[]; alreadyReady: boolean }
  | { status: 'FAILED'; reportId: string; tenantId: string; error: string };

/** Collects what the CSV stream writes (the artefact is one bytea) while hashing it on the way. */
class CollectingSink extends Writable {
  readonly chunks: Buffer[] = [];
  readonly hash = crypto.createHash('sha256');
  size = 0;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8');
    this.chunks.push(b);
    this.hash.update(b);
    this.size += b.length;
    done();
  }
}

async function saveArtifact(tx: ScopedTx, tenantId: string, reportId: string, format: 'JSON' | 'CSV' | 'PDF', content: Buffer, sha256?: string) {
  const digest = sha256 ?? crypto.createHash('sha256').update(content).digest('hex');
  await tx.query(
    `INSERT INTO report_artifacts (tenant_id, report_id, format, content, size_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, report_id, format) DO UPDATE SET content = EXCLUDED.content, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, created_at = now()`,
    [tenantId, reportId, format, content, content.length, digest],
  );
  return { format, sizeBytes: content.length, sha256: digest };
}

async function findTenant(db: TenantDb, reportId: string): Promise<string> {
  const rows = await db.withScope(Scope.all('reports: find the tenant of a queued report'), (tx) => tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM reports WHERE id = $1`, [reportId]));
  if (rows.length === 0) throw new ReportingError(ReportingErrorCode.ReportNotFound, `report ${reportId} not found`);
  return rows[0].tenant_id;
}

/**
 * The producing transaction is REPEATABLE READ (summary and CSV see one snapshot); its snapshot is
 * taken before it can lock the report row, so a worker that waited for another one to finish the
 * same report gets a serialization failure. A fresh attempt then sees the report READY.
 */
async function withSerializationRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
      if (code !== '40001' || attempt >= attempts) throw err;
    }
  }
}

/**
 * Produces a queued report's artefacts: QUEUED → RUNNING (committed, so readers see progress),
 * then in one REPEATABLE READ transaction under the tenant's scope: summary, CSV, PDF, JSON
 * written to report_artifacts (upserted), summary stored, READY. Any failure marks it FAILED
 * with the error. Idempotent: a READY report is left as it is; a RUNNING or FAILED one (crash,
 * retry) is produced again, replacing its artefacts. The report row is locked while producing,
 * so two workers on the same report run one after the other and the second finds it READY.
 */
export async function generateReport(db: TenantDb, reportId: string, options: GenerateReportOptions = {}): Promise<GenerateReportResult> {
  if (!isUuid(reportId)) throw new ReportingError(ReportingErrorCode.ReportNotFound, `not a report id: ${JSON.stringify(reportId)}`);
  const tenantId = options.tenantId ?? (await findTenant(db, reportId));
  const scope = Scope.tenant(tenantId);

  const started = await db.withScope(scope, (tx) =>
    tx.query<{ status: string }>(
      `WITH started AS (
         UPDATE reports SET status = CASE WHEN status = 'READY' THEN status ELSE 'RUNNING' END,
           started_at = CASE WHEN status = 'READY' THEN started_at ELSE now() END, error = CASE WHEN status = 'READY' THEN error ELSE NULL END
         WHERE tenant_id = $1 AND id = $2 RETURNING status)
       SELECT status FROM started`,
      [tenantId, reportId],
    ),
  );
  if (started.length === 0) throw new ReportingError(ReportingErrorCode.ReportNotFound, `report ${reportId} not found for tenant ${tenantId}`);

  try {
    return await withSerializationRetry(() =>
      db.withScope(
        scope,
        async (tx) => {
          const [report] = await tx.query<{ status: string; period_from: Date; period_to: Date; timezone: string; tenant_name: string }>(
            `SELECT r.status, r.period_from, r.period_to, t.timezone, t.name AS tenant_name
             FROM reports r JOIN tenants t ON t.id = r.tenant_id WHERE r.tenant_id = $1 AND r.id = $2 FOR UPDATE OF r`,
            [tenantId, reportId],
          );
          if (!report) throw new ReportingError(ReportingErrorCode.ReportNotFound, `report ${reportId} not found for tenant ${tenantId}`);
          if (report.status === 'READY') {
            const existing = await tx.query<{ format: 'JSON' | 'CSV' | 'PDF'; size_bytes: number; sha256: string }>(
              `SELECT format, size_bytes, sha256 FROM report_artifacts WHERE tenant_id = $1 AND report_id = $2 ORDER BY format`,
              [tenantId, reportId],
            );
            return { status: 'READY' as const, reportId, tenantId, alreadyReady: true, artifacts: existing.map((a) => ({ format: a.format, sizeBytes: Number(a.size_bytes), sha256: a.sha256 })) };
          }
          const period = { tenantId, from: new Date(report.period_from), to: new Date(report.period_to) };
          const summary = await tenantSummary(tx, { ...period, timezone: report.timezone });

          const sink = new CollectingSink();
          await streamIncidentCsv(tx, period, sink);
          const csv = Buffer.concat(sink.chunks);
          sink.chunks.length = 0;
          const artifacts = [await saveArtifact(tx, tenantId, reportId, 'CSV', csv, sink.hash.digest('hex'))];

          const top = await topIncidentRows(tx, { ...period, limit: options.pdfTableRows ?? DEFAULT_TABLE_ROWS });
          const pdf = await renderReportPdf(summary, top, { tenantName: report.tenant_name, tableRows: options.pdfTableRows ?? DEFAULT_TABLE_ROWS });
          artifacts.push(await saveArtifact(tx, tenantId, reportId, 'PDF', pdf));
          artifacts.push(await saveArtifact(tx, tenantId, reportId, 'JSON', renderReportJson(summary)));

          await tx.query(`UPDATE reports SET status = 'READY', summary = $3, error = NULL, finished_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, reportId, JSON.stringify(summary)]);
          return { status: 'READY' as const, reportId, tenantId, alreadyReady: false, artifacts: artifacts.sort((a, b) => a.format.localeCompare(b.format)) };
        },
        'REPEATABLE READ',
      ),
    );
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await db.withScope(scope, (tx) =>
      tx.query(`UPDATE reports SET status = 'FAILED', error = $3, finished_at = now() WHERE tenant_id = $1 AND id = $2 AND status <> 'READY'`, [tenantId, reportId, message.slice(0, 2000)]),
    );
    return { status: 'FAILED', reportId, tenantId, error: message };
  }
}
