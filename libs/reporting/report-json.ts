import type { TenantSummary } from './summary.types';

/** Bumped when a figure's meaning or shape changes, so consumers of stored reports can tell. */
export const REPORT_JSON_VERSION = 1;

/** The JSON artefact: the summary as is, with a format version, UTF-8, two-space indented. */
export function renderReportJson(summary: TenantSummary): Buffer {
  return Buffer.from(`${JSON.stringify({ reportFormatVersion: REPORT_JSON_VERSION, ...summary }, null, 2)}\n`, 'utf8');
}
