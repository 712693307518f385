import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sampleIncidentRows, sampleSummary } from './__fixtures__/sample-summary';
import { renderReportPdf } from './report-pdf';

/** A binary PGM (P5, 8-bit) as width, height and pixels. */
function readPgm(file: string): { width: number; height: number; pixels: Buffer } {
  const data = fs.readFileSync(file);
  const header: string[] = [];
  let pos = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(data[pos]))) pos++;
    if (data[pos] === 0x23) {
      while (data[pos] !== 0x0a) pos++;
      continue;
    }
    let token = '';
    while (!/\s/.test(String.fromCharCode(data[pos]))) token += String.fromCharCode(data[pos++]);
    header.push(token);
  }
  if (header[0] !== 'P5' || header[3] !== '255') throw new Error(`not an 8-bit P5 PGM: ${header.join(' ')}`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: data.subarray(pos + 1, pos + 1 + width * height) };
}

/** Share of non-white pixels in a horizontal band of the page (fractions of its height). */
function inkShare(page: { width: number; height: number; pixels: Buffer }, top: number, bottom: number): number {
  let ink = 0;
  const y0 = Math.floor(page.height * top);
  const y1 = Math.floor(page.height * bottom);
  for (let y = y0; y < y1; y++) for (let x = 0; x < page.width; x++) if (page.pixels[y * page.width + x] < 200) ink++;
  return ink / ((y1 - y0) * page.width);
}

function rasterise(pdf: Buffer, dir: string, name: string): { width: number; height: number; pixels: Buffer }[] {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    execFileSync('pdftoppm', ['-gray', '-r', '50', file, path.join(dir, name)]);
  } catch (err) {
    throw new Error(`pdftoppm (poppler-utils) is needed for this test: ${(err as Error).message}`);
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.pgm'))
    .sort()
    .map((f) => readPgm(path.join(dir, f)));
}

describe('renderReportPdf', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-report-pdf-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders at least three pages whose chart pages are drawn, and more ink where there is more data', async () => {
    const pdf = await renderReportPdf(sampleSummary(), sampleIncidentRows(60), { tenantName: 'Acme Water Utility' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = rasterise(pdf, dir, 'full');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // Page 2 (incidents per day, SLA) and page 3 (response times, techniques) carry the charts.
    const chartInk = [inkShare(pages[1], 0.12, 0.85), inkShare(pages[2], 0.12, 0.85)];
    for (const share of chartInk) expect(share).toBeGreaterThan(0.03);

    const empty = await renderReportPdf(sampleSummary({ empty: true }), [], { tenantName: 'Acme Water Utility' });
    const emptyPages = rasterise(empty, dir, 'empty');
    expect(inkShare(emptyPages[1], 0.12, 0.85)).toBeLessThan(chartInk[0] / 2);
  });

  it('puts the tenant, the executive summary and the CSV note in the text, and truncates the table to tableRows', async () => {
    const summary = sampleSummary();
    const pdf = await renderReportPdf(summary, sampleIncidentRows(60), { tenantName: 'Acme Water Utility', tableRows: 12 });
    const file = path.join(dir, 'text.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
    expect(text).toContain('Acme Water Utility');
    expect(text).toContain('1 Nov 2026 – 30 Nov 2026 (Europe/Berlin)');
    expect(text).toContain(`${summary.incidents.total} incidents were opened in this period`);
    expect(text).toContain(`The 12 most severe of ${summary.incidents.total} incidents; the full list is in the CSV.`);
    // The rows come in the caller's order (numbers 1000…): the 12th is shown, the 13th is not.
    expect(text).toMatch(/^\s*1011\s+\S+\s+Unauthorized Modbus write/m);
    expect(text).not.toMatch(/^\s*1012\s/m);
    expect(text).toContain('zeek-span');
    expect(text).toContain('SILENT');
  });

  it('gives the same bytes for the same input (the creation date comes from the period)', async () => {
    const a = await renderReportPdf(sampleSummary(), sampleIncidentRows(5), { tenantName: 'T' });
    const b = await renderReportPdf(sampleSummary(), sampleIncidentRows(5), { tenantName: 'T' });
    expect(a.equals(b)).toBe(true);
  });
});
