// Customer-readable incident titles and summaries, and the aggregations they are built from.

import { IncidentSeverityResult } from './incident-severity';
import {
  IncidentAlertView,
  IncidentAssetView,
  IncidentZoneView,
  SEVERITIES,
  Severity,
  severityRank,
} from './incident-types';

export interface IncidentTextInput {
  alerts: IncidentAlertView[];
  assets?: IncidentAssetView[];
  zones?: IncidentZoneView[];
}

const CRITICALITY_RANK = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 } as const;

/** The alert that speaks for the incident: most severe, then earliest, then lowest id. */
export function leadAlert(alerts: IncidentAlertView[]): IncidentAlertView | null {
  let lead: IncidentAlertView | null = null;
  for (const a of alerts ?? []) {
    if (!lead) {
      lead = a;
      continue;
    }
    const bySeverity = severityRank(a.severity) - severityRank(lead.severity);
    const byTime = a.ts.getTime() - lead.ts.getTime();
    if (bySeverity > 0 || (bySeverity === 0 && (byTime < 0 || (byTime === 0 && a.id < lead.id)))) lead = a;
  }
  return lead;
}

/** Techniques with how many alerts carry each, most frequent first. */
export function aggregateTechniques(alerts: Pick<IncidentAlertView, 'techniques'>[]): { id: string; alertCount: number }[] {
  const counts = new Map<string, number>();
  for (const a of alerts ?? []) {
    for (const t of new Set((a.techniques ?? []).map((x) => x.trim().toUpperCase()).filter((x) => x))) {
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  return [...counts].map(([id, alertCount]) => ({ id, alertCount })).sort((x, y) => y.alertCount - x.alertCount || (x.id < y.id ? -1 : 1));
}

export interface AssetInvolvement {
  asset: IncidentAssetView;
  alertCount: number;
  asTarget: boolean;
  asSource: boolean;
}

/** Known assets the alerts touch; most critical first, then most alerts, then name. */
export function aggregateAssets(alerts: IncidentAlertView[], assets: IncidentAssetView[]): AssetInvolvement[] {
  const byId = new Map((assets ?? []).map((a) => [a.id, a]));
  const out = new Map<string, AssetInvolvement>();
  for (const alert of alerts ?? []) {
    const seen = new Set<string>();
    for (const [id, role] of [[alert.dstAssetId, 'target'], [alert.srcAssetId, 'source']] as const) {
      const asset = id ? byId.get(id) : undefined;
      if (!asset) continue;
      const entry = out.get(asset.id) ?? { asset, alertCount: 0, asTarget: false, asSource: false };
      if (!seen.has(asset.id)) entry.alertCount++;
      seen.add(asset.id);
      if (role === 'target') entry.asTarget = true;
      else entry.asSource = true;
      out.set(asset.id, entry);
    }
  }
  return [...out.values()].sort(
    (x, y) =>
      CRITICALITY_RANK[y.asset.criticality] - CRITICALITY_RANK[x.asset.criticality] ||
      y.alertCount - x.alertCount ||
      x.asset.name.localeCompare(y.asset.name),
  );
}

export function countBySeverity(alerts: Pick<IncidentAlertView, 'severity'>[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const a of alerts ?? []) if (a.severity in counts) counts[a.severity]++;
  return counts;
}

export function alertTimeRange(alerts: Pick<IncidentAlertView, 'ts'>[]): { first: Date; last: Date } | null {
  let first: Date | null = null;
  let last: Date | null = null;
  for (const a of alerts ?? []) {
    if (!(a.ts instanceof Date) || Number.isNaN(a.ts.getTime())) continue;
    if (!first || a.ts < first) first = a.ts;
    if (!last || a.ts > last) last = a.ts;
  }
  return first && last ? { first, last } : null;
}

/** Distinct source addresses in order of first appearance. */
export function distinctSources(alerts: Pick<IncidentAlertView, 'srcIp'>[]): string[] {
  return [...new Set((alerts ?? []).map((a) => a.srcIp).filter((ip): ip is string => !!ip))];
}

/** "Pump station PLC (10.30.1.11)", "Corporate IT host 10.10.7.23", "host 198.51.100.7". */
function describe(ip: string | null, asset: IncidentAssetView | undefined, zone: IncidentZoneView | undefined): string | null {
  if (asset) return ip && asset.ip !== ip ? `${asset.name} (${ip})` : asset.ip ? `${asset.name} (${asset.ip})` : asset.name;
  if (!ip) return null;
  return zone ? `${zone.name} host ${ip}` : `host ${ip}`;
}

/**
 * One line a customer understands. The lead alert's own sentence when it has one (OT findings
 * do: "Unauthorised Modbus write to Pump station PLC (10.30.1.11) from Corporate IT host
 * 10.10.7.23"); otherwise "<rule title> on <target> from <source>". Other targets or sources
 * in the incident are counted ("and 2 other hosts").
 */
export function incidentTitle({ alerts, assets = [], zones = [] }: IncidentTextInput): string {
  const lead = leadAlert(alerts);
  if (!lead) return 'Incident without alerts';
  const assetById = new Map(assets.map((a) => [a.id, a]));
  const zoneById = new Map(zones.map((z) => [z.id, z]));
  const targets = new Set(alerts.map((a) => (a.dstAssetId ? `asset:${a.dstAssetId}` : a.dstIp ? `ip:${a.dstIp}` : null)).filter((x) => x));
  const sources = new Set(alerts.map((a) => (a.srcAssetId ? `asset:${a.srcAssetId}` : a.srcIp ? `ip:${a.srcIp}` : null)).filter((x) => x));
  const more = (n: number, noun: string) => (n > 0 ? ` and ${n} other ${noun}${n === 1 ? '' : 's'}` : '');

  if (lead.summary && lead.summary.trim()) {
    const others = targets.size - 1;
    return others > 0 ? `${lead.summary.trim()} (and ${others} other target${others === 1 ? '' : 's'})` : lead.summary.trim();
  }
  let title = lead.ruleTitle.trim() || lead.ruleId;
  const target = describe(lead.dstIp, lead.dstAssetId ? assetById.get(lead.dstAssetId) : undefined, lead.dstZoneId ? zoneById.get(lead.dstZoneId) : undefined);
  const source = describe(lead.srcIp, lead.srcAssetId ? assetById.get(lead.srcAssetId) : undefined, lead.srcZoneId ? zoneById.get(lead.srcZoneId) : undefined);
  if (target) title += ` on ${target}${more(targets.size - 1, 'host')}`;
  if (source) title += ` from ${source}${more(sources.size - 1, 'host')}`;
  return title;
}

export interface IncidentSummaryInput extends IncidentTextInput {
  severity?: IncidentSeverityResult;
  /** Technique names, e.g. attackIcsLabel from libs/detection/ot; ids alone when absent. */
  techniqueLabel?: (id: string) => string;
}

const minuteUtc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/**
 * A short paragraph per aspect, for the customer portal and notifications: what happened and
 * when, which assets, from where, which ATT&CK techniques, and why the severity is what it is.
 * Times are UTC.
 */
export function incidentSummary(input: IncidentSummaryInput): string {
  const { alerts, assets = [], zones = [], severity, techniqueLabel } = input;
  if (!alerts || alerts.length === 0) return 'No alerts.';
  const zoneById = new Map(zones.map((z) => [z.id, z]));
  const lines: string[] = [];

  const rules = new Set(alerts.map((a) => a.ruleId));
  const range = alertTimeRange(alerts);
  const count = `${alerts.length} alert${alerts.length === 1 ? '' : 's'} from ${rules.size} rule${rules.size === 1 ? '' : 's'}`;
  if (range && range.first.getTime() === range.last.getTime()) lines.push(`${count} at ${minuteUtc(range.first)} UTC.`);
  else if (range) {
    const sameDay = range.first.toISOString().slice(0, 10) === range.last.toISOString().slice(0, 10);
    lines.push(`${count} between ${minuteUtc(range.first)} and ${sameDay ? minuteUtc(range.last).slice(11) : minuteUtc(range.last)} UTC.`);
  } else lines.push(`${count}.`);

  const involved = aggregateAssets(alerts, assets);
  if (involved.length > 0) {
    const parts = involved.map(({ asset }) => {
      const facts = [asset.ip, asset.purdueLevel !== null ? `Purdue level ${asset.purdueLevel}` : null, `criticality ${asset.criticality}`].filter((x) => x);
      return `${asset.name} (${facts.join(', ')})`;
    });
    lines.push(`Assets involved: ${parts.join('; ')}.`);
  }

  const sourceIps = distinctSources(alerts);
  if (sourceIps.length > 0) {
    const zoneOfSource = new Map<string, IncidentZoneView | undefined>();
    for (const a of alerts) if (a.srcIp && !zoneOfSource.has(a.srcIp)) zoneOfSource.set(a.srcIp, a.srcZoneId ? zoneById.get(a.srcZoneId) : undefined);
    const shown = sourceIps.slice(0, 5).map((ip) => {
      const zone = zoneOfSource.get(ip);
      return zone ? `${ip} (${zone.name})` : ip;
    });
    const rest = sourceIps.length - shown.length;
    lines.push(`Source${sourceIps.length === 1 ? '' : 's'}: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}.`);
  }

  const techniques = aggregateTechniques(alerts);
  if (techniques.length > 0) {
    lines.push(`Techniques (MITRE ATT&CK for ICS): ${techniques.map((t) => (techniqueLabel ? techniqueLabel(t.id) : t.id)).join(', ')}.`);
  }

  if (severity) lines.push(`Severity ${severity.severity}: ${severity.reason}.`);
  return lines.join('\n');
}
