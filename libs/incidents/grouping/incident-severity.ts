// Incident severity: the worst alert, raised when what is at stake is a critical OT asset.

import { IncidentAlertView, IncidentAssetView, SEVERITIES, Severity, severityRank } from './incident-types';

export interface IncidentSeverityResult {
  severity: Severity;
  /** The highest alert severity before any raise. */
  baseSeverity: Severity;
  /** Steps added (0, 1 or 2; less when capped at CRITICAL). */
  raisedBy: number;
  /** The asset that caused the raise, if any. */
  raisedForAssetId: string | null;
  reason: string;
}

function isControlLevel(level: number | null): boolean {
  return level !== null && level >= 0 && level <= 2;
}

/**
 * How many steps an asset raises an incident:
 * - CRITICAL asset at Purdue level 0–2: two steps;
 * - CRITICAL asset elsewhere (or level unknown): one step;
 * - HIGH asset at any level: one step;
 * - MEDIUM or LOW: none.
 */
export function assetRaise(asset: Pick<IncidentAssetView, 'criticality' | 'purdueLevel'>): number {
  if (asset.criticality === 'CRITICAL') return isControlLevel(asset.purdueLevel) ? 2 : 1;
  if (asset.criticality === 'HIGH') return 1;
  return 0;
}

/**
 * The highest alert severity, raised by the most important asset the alerts touch (source or
 * destination), capped at CRITICAL. INFO alerts are never raised: informational alerts do not
 * page anyone, whatever they touch. Assets not in `assets` are ignored.
 */
export function incidentSeverity(
  alerts: Pick<IncidentAlertView, 'severity' | 'srcAssetId' | 'dstAssetId'>[],
  assets: IncidentAssetView[],
): IncidentSeverityResult {
  const valid = (alerts ?? []).filter((a) => SEVERITIES.includes(a.severity));
  if (valid.length === 0) {
    return { severity: 'INFO', baseSeverity: 'INFO', raisedBy: 0, raisedForAssetId: null, reason: 'no alerts' };
  }
  const base = valid.reduce<Severity>((max, a) => (severityRank(a.severity) > severityRank(max) ? a.severity : max), 'INFO');
  const byId = new Map((assets ?? []).map((a) => [a.id, a]));
  let best: IncidentAssetView | null = null;
  let bestRaise = 0;
  const touched = [...new Set(valid.flatMap((a) => [a.dstAssetId, a.srcAssetId]).filter((id): id is string => !!id))].sort();
  for (const id of touched) {
    const asset = byId.get(id);
    if (!asset) continue;
    const r = assetRaise(asset);
    if (r > bestRaise) {
      best = asset;
      bestRaise = r;
    }
  }
  if (base === 'INFO' || !best) {
    return { severity: base, baseSeverity: base, raisedBy: 0, raisedForAssetId: null, reason: `highest alert severity ${base}` };
  }
  const rank = Math.min(severityRank(base) + bestRaise, SEVERITIES.length - 1);
  const severity = SEVERITIES[rank];
  const raisedBy = rank - severityRank(base);
  const where = best.purdueLevel !== null ? ` at Purdue level ${best.purdueLevel}` : '';
  const reason =
    raisedBy === 0
      ? `highest alert severity ${base} (already the maximum)`
      : `highest alert severity ${base}, raised to ${severity} because ${best.name} is a ${best.criticality}-criticality asset${where}`;
  return { severity, baseSeverity: base, raisedBy, raisedForAssetId: best.id, reason };
}
