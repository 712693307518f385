// Compile-everything report over a set of Sigma files (used by scripts/sigma-check.ts and the
// corpus test). Pure: the caller reads the files.

import { compileRule } from './compile';
import { parseSigmaFile } from './parse';
import type { CompileOptions } from './types';

export interface SigmaFileText {
  path: string;
  text: string;
}

export interface RefusedItem {
  path: string;
  title?: string;
  reason: string;
}

export interface CheckTally {
  files: number;
  rules: number;
  compiled: number;
  refused: RefusedItem[];
  correlations: number;
  filters: number;
}

export interface CheckReport {
  main: CheckTally;
  /** Files under an `unsupported/` directory (SigmaHQ's legacy aggregation rules), kept apart. */
  legacy: CheckTally;
}

function emptyTally(): CheckTally {
  return { files: 0, rules: 0, compiled: 0, refused: [], correlations: 0, filters: 0 };
}

export function isLegacyPath(path: string): boolean {
  return /(^|[\\/])unsupported[\\/]/.test(path);
}

export function checkSigmaFiles(files: SigmaFileText[], opts: CompileOptions = {}): CheckReport {
  const report: CheckReport = { main: emptyTally(), legacy: emptyTally() };
  for (const file of files) {
    const tally = isLegacyPath(file.path) ? report.legacy : report.main;
    tally.files++;
    const parsed = parseSigmaFile(file.text);
    tally.correlations += parsed.correlations.length;
    tally.filters += parsed.filters.length;
    for (const err of parsed.errors) {
      tally.rules++;
      tally.refused.push({ path: file.path, reason: `parse: ${err.reason}` });
    }
    const allFilters = [...(opts.filters ?? []), ...parsed.filters];
    for (const rule of parsed.rules) {
      tally.rules++;
      const r = compileRule(rule, { ...opts, filters: allFilters });
      if (r.ok) tally.compiled++;
      else tally.refused.push({ path: file.path, title: rule.title, reason: r.reason });
    }
  }
  return report;
}

/** Groups refusal reasons by their kind: the text before the first quoted detail is kept. */
export function reasonKind(reason: string): string {
  return reason
    .replace(/search identifier '[^']*': /, '')
    .replace(/condition '[^']*': /, 'condition: ')
    .replace(/field '[^']*': /, '')
    .replace(/'[^']*'/g, (m) => (/^'(all|re|cidr|base64|base64offset|exists|fieldref|neq|[a-z0-9]+)'$/.test(m) ? m : "'…'"))
    .replace(/%[^%\s]+%/g, '%…%')
    .replace(/position \d+/g, 'position N');
}

export function groupReasons(refused: RefusedItem[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of refused) counts.set(reasonKind(r.reason), (counts.get(reasonKind(r.reason)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

export function refusedPercent(t: CheckTally): number {
  return t.rules === 0 ? 0 : (100 * t.refused.length) / t.rules;
}
