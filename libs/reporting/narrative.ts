import { SEVERITIES, type Severity, type TenantSummary } from './summary.types';

/** 3720 → "1 h 2 min"; whole seconds below a minute, minutes below an hour, days past 48 h. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'n/a';
  const s = Math.round(Math.max(0, seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s - h * 3600) / 60);
    return m === 60 ? `${h + 1} h` : m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s - d * 86400) / 3600);
  return h === 24 ? `${d + 1} d` : h === 0 ? `${d} d` : `${d} d ${h} h`;
}

export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(1)}%`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

function listSeverities(counts: Record<Severity, number>): string {
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s].toLocaleString('en-GB')} ${s.toLowerCase()}`);
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The executive summary: plain sentences generated from the figures, most important first.
 * Pure: the same summary always gives the same text.
 */
export function executiveSummary(summary: TenantSummary): string[] {
  const out: string[] = [];
  const { incidents, timeToAcknowledge: tta, timeToResolve: ttr, sla } = summary;
  if (incidents.total === 0) {
    out.push('No incidents were opened in this period.');
  } else {
    const busiest = summary.days.reduce((a, b) => (b.opened > a.opened ? b : a), summary.days[0]);
    out.push(
      `${plural(incidents.total, 'incident was', 'incidents were')} opened in this period (${listSeverities(incidents.bySeverity)})` +
        (busiest && busiest.opened > 0 && summary.days.length > 1 ? `; the busiest day was ${busiest.day} with ${busiest.opened.toLocaleString('en-GB')}.` : '.'),
    );
    const open = incidents.total - incidents.byStatus.RESOLVED - incidents.byStatus.CLOSED - incidents.byStatus.FALSE_POSITIVE;
    if (open > 0) out.push(`${plural(open, 'incident is', 'incidents are')} still open.`);
  }
  if (tta.count > 0) {
    out.push(`Incidents were acknowledged in ${formatDuration(tta.meanSeconds)} on average (median ${formatDuration(tta.medianSeconds)}).`);
  }
  if (ttr.count > 0) {
    out.push(`Resolved incidents took ${formatDuration(ttr.meanSeconds)} on average to resolve (median ${formatDuration(ttr.medianSeconds)}), not counting time waiting for the customer.`);
  }
  if (sla.withDueTime > 0) {
    const breaches = sla.acknowledgeBreaches + sla.resolveBreaches;
    out.push(
      `${formatPercent(sla.compliancePercent)} of incidents with an SLA met it` +
        (breaches === 0 ? ' with no breach.' : ` (${plural(sla.acknowledgeBreaches, 'acknowledgement breach', 'acknowledgement breaches')}, ${plural(sla.resolveBreaches, 'resolution breach', 'resolution breaches')}).`),
    );
    const worst = SEVERITIES.filter((s) => sla.bySeverity[s].compliancePercent !== null && sla.bySeverity[s].compliancePercent! < 100).sort(
      (a, b) => sla.bySeverity[a].compliancePercent! - sla.bySeverity[b].compliancePercent!,
    )[0];
    if (worst) out.push(`Compliance was lowest for ${worst.toLowerCase()} incidents at ${formatPercent(sla.bySeverity[worst].compliancePercent)}.`);
  }
  if (summary.falsePositives.ratePercent !== null) {
    out.push(`${formatPercent(summary.falsePositives.ratePercent)} of concluded incidents were false positives.`);
  }
  const technique = summary.techniques[0];
  if (technique) out.push(`The most frequent ATT&CK technique was ${technique.id}${technique.name ? ` (${technique.name})` : ''}, seen in ${plural(technique.incidents, 'incident')}.`);
  if (summary.ot.segmentationViolations > 0) out.push(`${plural(summary.ot.segmentationViolations, 'segmentation violation')} between OT zones were detected.`);
  if (summary.ot.criticalAssetsTouched.length > 0) out.push(`${plural(summary.ot.criticalAssetsTouched.length, 'critical asset was', 'critical assets were')} involved in incidents.`);
  const silent = summary.sensors.filter((s) => s.silentAtPeriodEnd);
  if (silent.length > 0) out.push(`${plural(silent.length, 'sensor was', 'sensors were')} silent at the end of the period: ${silent.map((s) => s.name).join(', ')}.`);
  const unpatched = summary.openVulnerabilities.reduce((n, v) => n + v.unpatched, 0);
  const criticalUnpatched = summary.openVulnerabilities.find((v) => v.criticality === 'CRITICAL')?.unpatched ?? 0;
  if (unpatched > 0) out.push(`${plural(unpatched, 'known vulnerability remains', 'known vulnerabilities remain')} unpatched, ${criticalUnpatched.toLocaleString('en-GB')} of them on critical assets.`);
  return out;
}
