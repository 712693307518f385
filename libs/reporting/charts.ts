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

/** Mean time to acknowledge (minutes) and to resolve (hours) of the incidents opened each day. */
export function responseTrendChart(summary: TenantSummary): TopLevelSpec {
  const values = summary.days.flatMap((d) => [
    { day: d.day, figure: 'Time to acknowledge (min)', value: d.meanTimeToAcknowledgeSeconds === null ? null : d.meanTimeToAcknowledgeSeconds / 60 },
    { day: d.day, figure: 'Time to resolve (h)', value: d.meanTimeToResolveSeconds === null ? null : d.meanTimeToResolveSeconds / 3600 },
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
    title: 'Response times by day opened (mean)',
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
