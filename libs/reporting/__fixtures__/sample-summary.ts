import { periodDays } from '../period';
import { ASSET_CRITICALITIES, INCIDENT_STATUSES, SEVERITIES, type IncidentReportRow, type Severity, type TenantSummary } from '../summary.types';

/** Deterministic pseudo-random numbers (LCG), so fixtures are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const zeroSeverities = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/** A month of plausible figures for PDF and narrative tests (not computed from a database). */
export function sampleSummary(options: { empty?: boolean } = {}): TenantSummary {
  const rnd = lcg(42);
  const from = new Date('2026-10-31T23:00:00Z');
  const to = new Date('2026-11-30T23:00:00Z');
  const timezone = 'Europe/Berlin';
  const weights: Record<Severity, number> = { CRITICAL: 1, HIGH: 3, MEDIUM: 6, LOW: 8, INFO: 4 };
  const days = periodDays(from, to, timezone).map((day) => {
    const openedBySeverity = zeroSeverities();
    if (!options.empty) for (const s of SEVERITIES) openedBySeverity[s] = Math.floor(rnd() * weights[s] * 2);
    const opened = SEVERITIES.reduce((n, s) => n + openedBySeverity[s], 0);
    return {
      day,
      opened,
      openedBySeverity,
      resolved: options.empty ? 0 : Math.floor(opened * (0.6 + rnd() * 0.4)),
      meanTimeToAcknowledgeSeconds: opened ? 300 + Math.round(rnd() * 1500) : null,
      meanTimeToResolveSeconds: opened ? 3600 + Math.round(rnd() * 20000) : null,
      timeToAcknowledgeCount: Math.floor(opened * 0.9),
      timeToResolveCount: Math.floor(opened * 0.7),
    };
  });
  const bySeverity = zeroSeverities();
  for (const d of days) for (const s of SEVERITIES) bySeverity[s] += d.openedBySeverity[s];
  const total = SEVERITIES.reduce((n, s) => n + bySeverity[s], 0);
  const byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as TenantSummary['incidents']['byStatus'];
  byStatus.RESOLVED = Math.floor(total * 0.5);
  byStatus.CLOSED = Math.floor(total * 0.2);
  byStatus.FALSE_POSITIVE = Math.floor(total * 0.15);
  byStatus.INVESTIGATING = total - byStatus.RESOLVED - byStatus.CLOSED - byStatus.FALSE_POSITIVE;
  const sla = (n: number, ok: number) => ({ withDueTime: n, compliant: ok, compliancePercent: n ? (ok / n) * 100 : null, acknowledgeBreaches: Math.ceil((n - ok) / 2), resolveBreaches: Math.floor((n - ok) / 2) });
  const slaBy = Object.fromEntries(SEVERITIES.map((s) => [s, sla(bySeverity[s], Math.floor(bySeverity[s] * (0.7 + 0.25 * rnd())))])) as TenantSummary['sla']['bySeverity'];
  const sum = (k: 'withDueTime' | 'compliant' | 'acknowledgeBreaches' | 'resolveBreaches') => SEVERITIES.reduce((n, s) => n + slaBy[s][k], 0);
  const stats = (mean: number) => ({ count: total ? Math.floor(total * 0.8) : 0, meanSeconds: total ? mean : null, medianSeconds: total ? Math.round(mean * 0.7) : null });
  return {
    tenantId: '11111111-2222-4333-8444-555555555555',
    from: from.toISOString(),
    to: to.toISOString(),
    timezone,
    incidents: { total, bySeverity, byStatus },
    days,
    timeToAcknowledge: { ...stats(812), bySeverity: Object.fromEntries(SEVERITIES.map((s, i) => [s, stats(300 + i * 200)])) as TenantSummary['timeToAcknowledge']['bySeverity'] },
    timeToResolve: { ...stats(15_400), bySeverity: Object.fromEntries(SEVERITIES.map((s, i) => [s, stats(7200 + i * 3600)])) as TenantSummary['timeToResolve']['bySeverity'] },
    sla: { withDueTime: sum('withDueTime'), compliant: sum('compliant'), compliancePercent: sum('withDueTime') ? (sum('compliant') / sum('withDueTime')) * 100 : null, acknowledgeBreaches: sum('acknowledgeBreaches'), resolveBreaches: sum('resolveBreaches'), bySeverity: slaBy },
    falsePositives: { falsePositive: byStatus.FALSE_POSITIVE, concluded: byStatus.RESOLVED + byStatus.CLOSED + byStatus.FALSE_POSITIVE, ratePercent: total ? (byStatus.FALSE_POSITIVE / (byStatus.RESOLVED + byStatus.CLOSED + byStatus.FALSE_POSITIVE)) * 100 : null },
    topRules: options.empty ? [] : [
      { ruleRef: 'segmentation_violation', title: 'Traffic between zones without a conduit', author: null, alerts: 41 },
      { ruleRef: 'sigma-5f1', title: 'Suspicious Encoded PowerShell Command Line', author: 'Florian Roth', alerts: 17 },
    ],
    techniques: options.empty ? [] : [
      { id: 'T0855', name: 'Unauthorized Command Message', incidents: 23 },
      { id: 'T0846', name: 'Remote System Discovery', incidents: 15 },
      { id: 'T0836', name: 'Modify Parameter', incidents: 9 },
      { id: 'T0843', name: 'Program Download', incidents: 4 },
      { id: 'T1059', name: null, incidents: 2 },
    ],
    topAssets: options.empty ? [] : [
      { id: 'a1', name: 'PLC-PUMP-01', criticality: 'CRITICAL', zone: 'Control', incidents: 19 },
      { id: 'a2', name: 'HMI-02', criticality: 'HIGH', zone: 'Supervisory', incidents: 7 },
    ],
    zones: [
      { id: 'z1', name: 'Control', purdueLevel: 1, assets: 12, incidents: options.empty ? 0 : 21, segmentationViolations: options.empty ? 0 : 30 },
      { id: 'z2', name: 'Supervisory', purdueLevel: 2, assets: 5, incidents: options.empty ? 0 : 8, segmentationViolations: options.empty ? 0 : 11 },
      { id: 'z3', name: 'Enterprise', purdueLevel: 4, assets: 140, incidents: options.empty ? 0 : 3, segmentationViolations: 0 },
    ],
    ot: {
      segmentationViolations: options.empty ? 0 : 41,
      recentSegmentationViolations: options.empty ? [] : [{ alertId: 'x1', createdAt: '2026-11-28T08:14:00.000Z', severity: 'HIGH', srcIp: '10.10.4.20', dstIp: '10.30.0.11', title: 'Traffic between zones without a conduit' }],
      criticalAssetsTouched: options.empty ? [] : [{ id: 'a1', name: 'PLC-PUMP-01', criticality: 'CRITICAL', zone: 'Control', incidents: 19 }],
    },
    sensors: [
      { id: 's1', name: 'ot-monitor-1', kind: 'OT_MONITOR', events: 1_204_311, lastEventAt: '2026-11-30T22:59:00.000Z', expectedIntervalSeconds: 900, silentAtPeriodEnd: false },
      { id: 's2', name: 'zeek-span', kind: 'ZEEK', events: 88_120, lastEventAt: '2026-11-27T03:00:00.000Z', expectedIntervalSeconds: 900, silentAtPeriodEnd: true },
    ],
    eventsPerSensorDay: [],
    openVulnerabilities: ASSET_CRITICALITIES.map((c, i) => ({ criticality: c, unpatched: 4 - i, mitigated: i })),
  };
}

export function sampleIncidentRows(n: number): IncidentReportRow[] {
  const rnd = lcg(7);
  return Array.from({ length: n }, (_, i) => {
    const severity = SEVERITIES[Math.min(4, Math.floor(rnd() * 5))];
    return {
      number: 1000 + i,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      title: `Unauthorized Modbus write to PLC-PUMP-${String(i % 9).padStart(2, '0')} from engineering workstation`,
      severity,
      status: i % 3 ? 'RESOLVED' : 'INVESTIGATING',
      createdAt: new Date(Date.UTC(2026, 10, 1 + (i % 29), 8, i % 60)).toISOString(),
      acknowledgedAt: null,
      resolvedAt: null,
      timeToAcknowledgeSeconds: 60 + Math.floor(rnd() * 3000),
      timeToResolveSeconds: i % 3 ? 3600 + Math.floor(rnd() * 40000) : null,
      acknowledgeDueAt: '2026-11-01T09:00:00.000Z',
      resolveDueAt: '2026-11-01T12:00:00.000Z',
      acknowledgeBreached: i % 5 === 0,
      resolveBreached: false,
      techniques: ['T0855'],
      assets: ['PLC-PUMP-01'],
    };
  });
}
