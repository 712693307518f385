import crypto from 'node:crypto';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, IdentityService, withCallerScope } from '@watchfloor/auth';
import { DomainError } from '@watchfloor/errors';
import { TenantDb, isUuid } from '@watchfloor/tenancy';

export const DOWNLOAD_FORMATS = {
  pdf: { column: 'PDF', contentType: 'application/pdf' },
  csv: { column: 'CSV', contentType: 'text/csv; charset=utf-8' },
  json: { column: 'JSON', contentType: 'application/json; charset=utf-8' },
} as const;
type DownloadFormat = keyof typeof DOWNLOAD_FORMATS;

/** `watchfloor-report-<tenant slug>-<first day>-<last day>.<ext>` (days in UTC; the slug is [a-z0-9-]). */
export function downloadFileName(slug: string, from: Date, to: Date, format: DownloadFormat): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `watchfloor-report-${slug.replace(/[^a-z0-9-]/gi, '')}-${day(from)}-${day(new Date(to.getTime() - 1))}.${format}`;
}

function fail(reply: FastifyReply, status: number, code: string, message: string, headers: Record<string, string> = {}): FastifyReply {
  return reply.status(status).headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).send(JSON.stringify({ error: { code, message } }));
}

/**
 * `GET /reports/:id/download?format=pdf|csv|json` with the GraphQL bearer token. The artefact is
 * read in the caller's tenant scope (RLS), so another tenant's report is 404 like a missing one;
 * a report not READY is 409. Errors are JSON `{ error: { code, message } }`.
 */
@Controller('reports')
export class ReportDownloadController {
  constructor(
    private readonly db: TenantDb,
    private readonly identity: IdentityService,
  ) {}

  @Get(':id/download')
  async download(@Param('id') id: string, @Query('format') rawFormat: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const requestId = String(request.id ?? crypto.randomUUID());
    let caller: Caller | null;
    try {
      const header = request.headers.authorization;
      caller = await this.identity.authenticate(Array.isArray(header) ? header[0] : header, requestId);
    } catch (err) {
      if (err instanceof DomainError) return fail(reply, 401, 'UNAUTHENTICATED', err.message, { 'www-authenticate': 'Bearer' });
      throw err;
    }
    if (!caller) return fail(reply, 401, 'UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <access token>', { 'www-authenticate': 'Bearer' });

    const format = (rawFormat ?? 'pdf').toLowerCase();
    if (!(format in DOWNLOAD_FORMATS)) return fail(reply, 400, 'BAD_USER_INPUT', `format must be one of ${Object.keys(DOWNLOAD_FORMATS).join(', ')}, not ${JSON.stringify(rawFormat)}`);
    const spec = DOWNLOAD_FORMATS[format as DownloadFormat];
    if (!isUuid(id)) return fail(reply, 404, 'NOT_FOUND', `report ${id} not found`);

    const found = await withCallerScope(this.db, caller, async (tx) => {
      const [report] = await tx.query<{ tenant_id: string; status: string; period_from: Date; period_to: Date; slug: string }>(
        `SELECT r.tenant_id, r.status, r.period_from, r.period_to, t.slug FROM reports r JOIN tenants t ON t.id = r.tenant_id WHERE r.id = $1`,
        [id],
      );
      if (!report || report.status !== 'READY') return { report, artifact: undefined };
      const [artifact] = await tx.query<{ content: Buffer; sha256: string }>(
        `SELECT content, sha256 FROM report_artifacts WHERE tenant_id = $1 AND report_id = $2 AND format = $3`,
        [report.tenant_id, id, spec.column],
      );
      return { report, artifact };
    });
    if (!found.report) return fail(reply, 404, 'NOT_FOUND', `report ${id} not found`);
    if (found.report.status !== 'READY') return fail(reply, 409, 'CONFLICT', `report ${id} is ${found.report.status}, not READY yet`, found.report.status === 'FAILED' ? {} : { 'retry-after': '30' });
    if (!found.artifact) return fail(reply, 404, 'NOT_FOUND', `report ${id} has no ${format} file`);

    const name = downloadFileName(found.report.slug, new Date(found.report.period_from), new Date(found.report.period_to), format as DownloadFormat);
    return reply
      .status(200)
      .headers({
        'content-type': spec.contentType,
        'content-disposition': `attachment; filename="${name}"`,
        'content-length': String(found.artifact.content.length),
        etag: `"${found.artifact.sha256}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      })
      .send(found.artifact.content);
  }
}
