import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { TopLevelSpec } from 'vega-lite';
import { incidentsPerDayChart, renderChartSvg, responseTrendChart, slaComplianceChart, SEVERITY_COLOURS, topTechniquesChart } from './charts';
import { executiveSummary, formatDuration, formatPercent } from './narrative';
import { describePeriod } from './period';
import { SEVERITIES, type IncidentReportRow, type TenantSummary } from './summary.types';

export interface ReportPdfOptions {
  tenantName: string;
  /** Period label for the cover; defaults to the summary's period in its time zone. */
  period?: string;
  /** Stamped as the PDF creation date; defaults to the period end so the same input gives the same bytes. */
  generatedAt?: Date;
  /** Rows of the incident table (the most severe first); the CSV has them all. */
  tableRows?: number;
}

export const DEFAULT_TABLE_ROWS = 40;

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const INK = '#1f2933';
const MUTED = '#616e7c';

type Doc = PDFKit.PDFDocument;

function heading(doc: Doc, text: string): void {
  doc.font('Helvetica-Bold').fontSize(16).fillColor(INK).text(text, PAGE.margin, doc.y);
  doc.moveDown(0.5);
}

/** Draws an SVG scaled to the content width (never enlarged), returns the height used. */
function drawSvg(doc: Doc, svg: string, y: number, maxHeight: number): number {
  const w = Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? CONTENT_WIDTH);
  const h = Number(/height="([\d.]+)"/.exec(svg)?.[1] ?? maxHeight);
  const scale = Math.min(1, CONTENT_WIDTH / w, maxHeight / h);
  SVGtoPDF(doc, svg, PAGE.margin, y, { width: w * scale, height: h * scale, preserveAspectRatio: 'xMinYMin meet', assumePt: true, fontCallback: (_family, bold) => (bold ? 'Helvetica-Bold' : 'Helvetica') });
  return h * scale;
}

async function drawCharts(doc: Doc, specs: TopLevelSpec[], maxHeightEach: number): Promise<void> {
  let y = doc.y;
  for (const spec of specs) {
    const used = drawSvg(doc, await renderChartSvg(spec), y, maxHeightEach);
    y += used + 24;
  }
  doc.y = y;
}

interface Column<T> {
  title: string;
  width: number;
  cell: (row: T) => string;
  colour?: (row: T) => string;
}

/** A simple table: header, one line per row with ellipsis, new page (header repeated) when full. */
function drawTable<T>(doc: Doc, columns: Column<T>[], rows: readonly T[]): void {
  const rowHeight = 13;
  const drawHeader = () => {
    let x = PAGE.margin;
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(8).fillColor(INK);
    for (const c of columns) {
      doc.text(c.title, x, y, { width: c.width - 4, height: rowHeight - 3, ellipsis: true });
      x += c.width;
    }
    doc.y = y + rowHeight;
    doc.moveTo(PAGE.margin, doc.y - 3).lineTo(PAGE.margin + CONTENT_WIDTH, doc.y - 3).lineWidth(0.5).strokeColor('#9aa5b1').stroke();
  };
  drawHeader();
  doc.font('Helvetica').fontSize(8);
  for (const row of rows) {
    if (doc.y + rowHeight > PAGE.height - PAGE.margin) {
      doc.addPage();
      drawHeader();
      doc.font('Helvetica').fontSize(8);
    }
    let x = PAGE.margin;
    const y = doc.y;
    for (const c of columns) {
      doc.fillColor(c.colour?.(row) ?? INK).text(c.cell(row), x, y, { width: c.width - 4, height: rowHeight - 3, ellipsis: true });
      x += c.width;
    }
    doc.y = y + rowHeight;
  }
  doc.fillColor(INK);
}

function keyFigures(doc: Doc, summary: TenantSummary): void {
  const figures: [string, string][] = [
    ['Incidents', summary.incidents.total.toLocaleString('en-GB')],
    ['Mean time to acknowledge', formatDuration(summary.timeToAcknowledge.meanSeconds)],
    ['Mean time to resolve', formatDuration(summary.timeToResolve.meanSeconds)],
    ['SLA compliance', formatPercent(summary.sla.compliancePercent)],
    ['False-positive rate', formatPercent(summary.falsePositives.ratePercent)],
  ];
  const boxWidth = CONTENT_WIDTH / figures.length;
  const y = doc.y;
  figures.forEach(([label, value], i) => {
    const x = PAGE.margin + i * boxWidth;
    doc.rect(x + 2, y, boxWidth - 4, 52).fillColor('#f0f4f8').fill();
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(15).text(value, x + 8, y + 8, { width: boxWidth - 16, lineBreak: false, ellipsis: true });
    doc.fillColor(MUTED).font('Helvetica').fontSize(7.5).text(label, x + 8, y + 32, { width: boxWidth - 16 });
  });
  doc.fillColor(INK);
  doc.y = y + 68;
}

async function collectRows(rows: Iterable<IncidentReportRow> | AsyncIterable<IncidentReportRow>, limit: number): Promise<IncidentReportRow[]> {
  const out: IncidentReportRow[] = [];
  for await (const row of rows) {
    if (out.length >= limit) break;
    out.push(row);
  }
  return out;
}

/**
 * The PDF artefact: cover with key figures and the executive summary, charts, the incident
 * table (first `tableRows` of `incidents`, which the caller orders most severe first) and the
 * OT section. Built-in Helvetica only, so no font files are needed.
 */
export async function renderReportPdf(
  summary: TenantSummary,
  incidents: Iterable<IncidentReportRow> | AsyncIterable<IncidentReportRow>,
  options: ReportPdfOptions,
): Promise<Buffer> {
  const from = new Date(summary.from);
  const to = new Date(summary.to);
  const period = options.period ?? describePeriod(from, to, summary.timezone);
  const tableRows = await collectRows(incidents, Math.max(0, options.tableRows ?? DEFAULT_TABLE_ROWS));
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    info: { Title: `Security operations report — ${options.tenantName}`, Author: 'Watchfloor', Subject: period, CreationDate: options.generatedAt ?? to },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  // Cover and executive summary.
  doc.rect(0, 0, PAGE.width, 160).fillColor('#102a43').fill();
  doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(26).text('Security operations report', PAGE.margin, 60);
  doc.font('Helvetica').fontSize(14).text(options.tenantName, PAGE.margin, 98);
  doc.fontSize(11).text(period, PAGE.margin, 120);
  doc.fillColor(INK);
  doc.y = 190;
  keyFigures(doc, summary);
  heading(doc, 'Executive summary');
  doc.font('Helvetica').fontSize(10.5).fillColor(INK);
  for (const sentence of executiveSummary(summary)) {
    doc.text(`•  ${sentence}`, PAGE.margin, doc.y, { width: CONTENT_WIDTH, lineGap: 2 });
    doc.moveDown(0.4);
  }
  doc.moveDown(1);
  doc.font('Helvetica').fontSize(8).fillColor(MUTED).text(
    'Definitions of every figure are in the JSON artefact and the reporting documentation. Times to acknowledge and resolve use business time where the SLA policy has a business-hours calendar; time waiting for the customer is not counted.',
    { width: CONTENT_WIDTH },
  );

  // Charts.
  doc.addPage();
  heading(doc, 'Incidents and SLA');
  await drawCharts(doc, [incidentsPerDayChart(summary), slaComplianceChart(summary)], 330);
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  const slaLine = SEVERITIES.filter((s) => summary.sla.bySeverity[s].withDueTime > 0)
    .map((s) => `${s.toLowerCase()}: ${summary.sla.bySeverity[s].acknowledgeBreaches} acknowledge / ${summary.sla.bySeverity[s].resolveBreaches} resolve breaches`)
    .join('; ');
  if (slaLine) doc.text(`Breaches — ${slaLine}.`, PAGE.margin, doc.y, { width: CONTENT_WIDTH });

  doc.addPage();
  heading(doc, 'Response times and techniques');
  await drawCharts(doc, [responseTrendChart(summary), topTechniquesChart(summary)], 340);

  // Incident table.
  doc.addPage();
  heading(doc, 'Incidents');
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(
    `The ${tableRows.length} most severe of ${summary.incidents.total.toLocaleString('en-GB')} incidents; the full list is in the CSV.`,
    PAGE.margin,
    doc.y,
  );
  doc.moveDown(0.6);
  drawTable(
    doc,
    [
      { title: '#', width: 40, cell: (r) => String(r.number) },
      { title: 'Severity', width: 52, cell: (r) => r.severity, colour: (r) => SEVERITY_COLOURS[r.severity] ?? INK },
      { title: 'Title', width: 170, cell: (r) => r.title },
      { title: 'Status', width: 70, cell: (r) => r.status.replace('_', ' ') },
      { title: 'Opened (UTC)', width: 73, cell: (r) => r.createdAt.slice(0, 16).replace('T', ' ') },
      { title: 'To ack', width: 45, cell: (r) => formatDuration(r.timeToAcknowledgeSeconds) },
      { title: 'SLA', width: 45, cell: (r) => (r.acknowledgeBreached || r.resolveBreached ? 'breached' : r.acknowledgeDueAt || r.resolveDueAt ? 'met' : '—') },
    ],
    tableRows,
  );

  // OT section.
  doc.addPage();
  heading(doc, 'OT networks');
  doc.font('Helvetica').fontSize(10).fillColor(INK).text(
    `${summary.ot.segmentationViolations} segmentation violation(s) (traffic between zones that no conduit allows); ${summary.ot.criticalAssetsTouched.length} critical asset(s) involved in incidents.`,
    PAGE.margin,
    doc.y,
    { width: CONTENT_WIDTH },
  );
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Zones', PAGE.margin, doc.y);
  doc.moveDown(0.3);
  drawTable(
    doc,
    [
      { title: 'Zone', width: 180, cell: (z) => z.name },
      { title: 'Purdue level', width: 80, cell: (z) => String(z.purdueLevel) },
      { title: 'Assets', width: 70, cell: (z) => String(z.assets) },
      { title: 'Incidents', width: 70, cell: (z) => String(z.incidents) },
      { title: 'Violations', width: 95, cell: (z) => String(z.segmentationViolations) },
    ],
    summary.zones,
  );
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Critical assets touched', PAGE.margin, doc.y);
  doc.moveDown(0.3);
  drawTable(
    doc,
    [
      { title: 'Asset', width: 220, cell: (a) => a.name },
      { title: 'Zone', width: 180, cell: (a) => a.zone ?? '—' },
      { title: 'Incidents', width: 95, cell: (a) => String(a.incidents) },
    ],
    summary.ot.criticalAssetsTouched.slice(0, 20),
  );
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Recent segmentation violations', PAGE.margin, doc.y);
  doc.moveDown(0.3);
  drawTable(
    doc,
    [
      { title: 'When (UTC)', width: 95, cell: (v) => v.createdAt.slice(0, 16).replace('T', ' ') },
      { title: 'Severity', width: 60, cell: (v) => v.severity },
      { title: 'From', width: 90, cell: (v) => v.srcIp ?? '—' },
      { title: 'To', width: 90, cell: (v) => v.dstIp ?? '—' },
      { title: 'Rule', width: 160, cell: (v) => v.title },
    ],
    summary.ot.recentSegmentationViolations,
  );
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Sensors and open vulnerabilities', PAGE.margin, doc.y);
  doc.moveDown(0.3);
  drawTable(
    doc,
    [
      { title: 'Sensor', width: 170, cell: (s) => s.name },
      { title: 'Kind', width: 80, cell: (s) => s.kind },
      { title: 'Events in period', width: 95, cell: (s) => s.events.toLocaleString('en-GB') },
      { title: 'At period end', width: 150, cell: (s) => (s.silentAtPeriodEnd ? 'SILENT' : 'reporting'), colour: (s) => (s.silentAtPeriodEnd ? '#b42318' : INK) },
    ],
    summary.sensors,
  );
  doc.moveDown(0.6);
  doc.font('Helvetica').fontSize(9).fillColor(INK).text(
    `Open vulnerabilities by asset criticality (unpatched / mitigated): ${summary.openVulnerabilities.map((v) => `${v.criticality.toLowerCase()} ${v.unpatched}/${v.mitigated}`).join(', ')}.`,
    PAGE.margin,
    doc.y,
    { width: CONTENT_WIDTH },
  );
  doc.moveDown(1);
  doc.font('Helvetica').fontSize(7).fillColor(MUTED).text(
    'ATT&CK® technique names © The MITRE Corporation, reproduced under the ATT&CK licence. Detection rule authors are credited in the JSON artefact (topRules).',
    { width: CONTENT_WIDTH },
  );

  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
