// Suppressions: analyst-made filters ("this rule on this host is expected until Friday").

import { IncidentAlertView } from './incident-types';

export interface SuppressionView {
  ruleId: string | null;
  /** Field → value or list of values (any of); strings may use '*' as a wildcard. */
  match: Record<string, unknown>;
  expiresAt: Date | null;
}

const ALERT_KEYS = new Set(['ruleId', 'ruleTitle', 'severity', 'srcIp', 'dstIp', 'srcAssetId', 'dstAssetId', 'techniques', 'groupingEntity', 'srcZoneId', 'dstZoneId']);

function lookup(alert: IncidentAlertView, field: string): unknown {
  if (ALERT_KEYS.has(field)) return (alert as unknown as Record<string, unknown>)[field];
  const fields = alert.fields ?? {};
  if (field in fields) return fields[field];
  let cur: unknown = fields;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

function scalarMatches(actual: unknown, expected: unknown): boolean {
  if (actual === undefined || actual === null) return expected === null;
  if (expected === null || expected === undefined) return false;
  if (typeof expected === 'string') {
    const a = String(actual);
    return expected.includes('*') ? globToRegExp(expected).test(a) : a.toLowerCase() === expected.toLowerCase();
  }
  if (typeof expected === 'number' || typeof expected === 'boolean') return String(actual) === String(expected);
  return false;
}

function valueMatches(actual: unknown, expected: unknown): boolean {
  const wanted = Array.isArray(expected) ? expected : [expected];
  const have = Array.isArray(actual) ? actual : [actual];
  return wanted.some((w) => have.some((h) => scalarMatches(h, w)));
}

/**
 * Whether a suppression applies to an alert at `now`:
 * - not expired (`expiresAt` null, or later than `now`);
 * - `ruleId` null (any rule) or equal to the alert's rule;
 * - every `match` entry matches: the key names an alert property (srcIp, dstIp, severity,
 *   srcAssetId, dstAssetId, techniques, ...) or an event field (flat "id.orig_h" or a dotted path
 *   into nested JSON); a list means any of its values; strings compare case-insensitively and
 *   '*' matches any run of characters; list-valued fields (techniques) match if any element does;
 *   `null` matches a missing field.
 * A suppression with no rule and an empty match would hide everything, so it matches nothing.
 */
export function suppressionMatches(suppression: SuppressionView, alert: IncidentAlertView, now: Date): boolean {
  if (!suppression || !alert) return false;
  const match = suppression.match;
  if (match === null || typeof match !== 'object' || Array.isArray(match)) return false;
  if (suppression.expiresAt !== null && suppression.expiresAt !== undefined) {
    if (!(suppression.expiresAt instanceof Date) || Number.isNaN(suppression.expiresAt.getTime())) return false;
    if (!(now instanceof Date) || now.getTime() >= suppression.expiresAt.getTime()) return false;
  }
  if (suppression.ruleId !== null && suppression.ruleId !== undefined && suppression.ruleId !== alert.ruleId) return false;
  const entries = Object.entries(match);
  if (entries.length === 0 && (suppression.ruleId === null || suppression.ruleId === undefined)) return false;
  return entries.every(([field, expected]) => valueMatches(lookup(alert, field), expected));
}
