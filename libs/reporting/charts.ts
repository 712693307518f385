import { DateTime } from 'luxon';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { SEVERITIES, type TenantSummary } from './summary.types';

export const SEVERITY_COLOURS: Record<(typeof SEVERITIES)[number], string> = {
  CRITICAL: '#7b1e1e',
  HIGH: '#d9480f',
  MEDIUM: '#e8a200',
  LOW: '#4c8cbf',
  INFO: '#9aa5b1',
};

/** Chart look shared by every chart: PDF base font, no outer border, small labels. */
const CONFIG = {
  font: 'Helvetica',
  view: { stroke: null },
  axis: { labelFontSize: 9, titleFontSize: 10, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 9, titleFontSize: 10 },
  title: { fontSize: 12, anchor: 'start' as const },
};

const severityColour = {
  field: 'severity',
  type: 'nominal' as const,
  title: 'Severity',
  scale: { domain: [...SEVERITIES], range: SEVERITIES.map((s) => SEVERITY_COLOURS[s]) },
  sort: [...SEVERITIES],
};

/** Incidents opened per day, stacked by severity. */
export function incidentsPerDayChart(summary: TenantSummary): TopLevelSpec {
  const values = summary.days.flatMap((d) => SEVERITIES.map((severity) => ({ day: d.day, severity, incidents: d.openedBySeverity[severity], order: SEVERITIES.indexOf(severity) })));
  return {
    title: 'Incidents opened per day',
    width: 440,
    height: 200,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'day', type: 'ordinal', title: null, axis: { labelAngle: -60, labelExpr: summary.days.length > 31 ? "substring(datum.label, 8, 10) == '01' ? datum.label : ''" : 'datum.label' } },
      y: { field: 'incidents', type: 'quantitative', aggregate: 'sum', title: 'Incidents', axis: { tickMinStep: 1 } },
      color: severityColour,
      order: { field: 'order', type: 'quantitative', sort: 'descending' },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Periods longer than this are plotted per week rather than per day. */
export const TREND_DAILY_MAX_DAYS = 62;

interface TrendPoint {
  day: string;
  tta: number | null;
  ttr: number | null;
}

/**
 * Mean response times per day opened, or per week (starting Monday) for long periods: a week's
 * mean weights each day's mean by the number of incidents it is over, so it is the true mean.
 */
export function responseTrendPoints(summary: TenantSummary): { unit: 'day' | 'week'; points: TrendPoint[] } {
  if (summary.days.length <= TREND_DAILY_MAX_DAYS) {
    return { unit: 'day', points: summary.days.map((d) => ({ day: d.day, tta: d.meanTimeToAcknowledgeSeconds, ttr: d.meanTimeToResolveSeconds })) };
  }
  const weeks = new Map<string, { ttaSum: number; ttaN: number; ttrSum: number; ttrN: number }>();
  for (const d of summary.days) {
    const week = DateTime.fromISO(d.day, { zone: 'UTC' }).startOf('week').toISODate()!;
    const w = weeks.get(week) ?? { ttaSum: 0, ttaN: 0, ttrSum: 0, ttrN: 0 };
    if (d.meanTimeToAcknowledgeSeconds !== null) (w.ttaSum += d.meanTimeToAcknowledgeSeconds * d.timeToAcknowledgeCount), (w.ttaN += d.timeToAcknowledgeCount);
    if (d.meanTimeToResolveSeconds !== null) (w.ttrSum += d.meanTimeToResolveSeconds * d.timeToResolveCount), (w.ttrN += d.timeToResolveCount);
    weeks.set(week, w);
  }
  return {
    unit: 'week',
    points: [...weeks].map(([day, w]) => ({ day, tta: w.ttaN ? w.ttaSum / w.ttaN : null, ttr: w.ttrN ? w.ttrSum / w.ttrN : null })),
  };
}

/** Mean time to acknowledge (minutes) and to resolve (hours) of the incidents opened each day (or week). */
export function responseTrendChart(summary: TenantSummary): TopLevelSpec {
  const { unit, points } = responseTrendPoints(summary);
  const values = points.flatMap((p) => [
    { day: p.day, figure: 'Time to acknowledge (min)', value: p.tta === null ? null : p.tta / 60 },
    { day: p.day, figure: 'Time to resolve (h)', value: p.ttr === null ? null : p.ttr / 3600 },
  ]);
  const line = (figure: string, colour: string) => ({
    title: figure,
    width: 440,
    height: 110,
    transform: [{ filter: { field: 'figure', equal: figure } }, { filter: 'isValid(datum.value)' }],
    mark: { type: 'line' as const, point: true, color: colour },
    encoding: {
      x: { field: 'day', type: 'temporal' as const, title: null, axis: { format: '%d %b', labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative' as const, title: null },
    },
  });
  return {
    title: `Response times by ${unit} opened (mean)`,
    data: { values },
    vconcat: [line('Time to acknowledge (min)', '#4c8cbf'), line('Time to resolve (h)', '#d9480f')],
    config: CONFIG,
  } as TopLevelSpec;
}

/** SLA compliance per severity, 0–100 %, with the number of incidents that had a due time. */
export function slaComplianceChart(summary: TenantSummary): TopLevelSpec {
  const values = SEVERITIES.filter((s) => summary.sla.bySeverity[s].withDueTime > 0).map((severity) => ({
    severity,
    compliance: summary.sla.bySeverity[severity].compliancePercent,
    label: `${summary.sla.bySeverity[severity].compliant}/${summary.sla.bySeverity[severity].withDueTime}`,
  }));
  return {
    title: 'SLA compliance by severity',
    width: 440,
    height: 150,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'severity', type: 'nominal', title: null, sort: [...SEVERITIES] },
          x: { field: 'compliance', type: 'quantitative', title: 'Compliance (%)', scale: { domain: [0, 100] } },
          color: { ...severityColour, legend: null },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 9 },
        encoding: {
          y: { field: 'severity', type: 'nominal', sort: [...SEVERITIES] },
          x: { field: 'compliance', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

/** Most frequent ATT&CK techniques, horizontal bars labelled "id name". */
export function topTechniquesChart(summary: TenantSummary): TopLevelSpec {
  const values = summary.techniques.map((t) => ({ technique: t.name ? `${t.id} ${t.name}` : t.id, incidents: t.incidents }));
  return {
    title: 'Top ATT&CK techniques (incidents)',
    width: 300,
    height: Math.max(60, values.length * 18),
    data: { values },
    mark: { type: 'bar', color: '#5b6c8f' },
    encoding: {
      y: { field: 'technique', type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 220 } },
      x: { field: 'incidents', type: 'quantitative', title: 'Incidents', axis: { tickMinStep: 1 } },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG string headlessly (no canvas, no browser). */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
