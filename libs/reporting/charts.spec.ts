import { sampleSummary } from './__fixtures__/sample-summary';
import { periodDays } from './period';
import { incidentsPerDayChart, renderChartSvg, responseTrendChart, responseTrendPoints, slaComplianceChart, topTechniquesChart } from './charts';

const valuesOf = (spec: object) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('report charts', () => {
  const summary = sampleSummary();

  it('stacks per-day severity counts that add up to the incidents opened', () => {
    const values = valuesOf(incidentsPerDayChart(summary));
    const total = values.reduce((n, v) => n + (v.incidents as number), 0);
    expect(total).toBe(summary.incidents.total);
    expect(new Set(values.map((v) => v.day)).size).toBe(summary.days.length);
  });

  it('plots SLA compliance only for severities with due times, and response times in minutes and hours', () => {
    const sla = valuesOf(slaComplianceChart(summary));
    expect(sla.map((v) => v.severity)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']);
    expect(sla[0].compliance).toBe(summary.sla.bySeverity.CRITICAL.compliancePercent);
    const trend = valuesOf(responseTrendChart(summary));
    expect(trend[0].value).toBe(summary.days[0].meanTimeToAcknowledgeSeconds! / 60);
    expect(trend[1].value).toBe(summary.days[0].meanTimeToResolveSeconds! / 3600);
    expect(valuesOf(slaComplianceChart(sampleSummary({ empty: true })))).toEqual([]);
  });

  it('plots weeks for long periods, each week the mean over all its incidents (not the mean of daily means)', () => {
    const long = sampleSummary({ empty: true });
    // Monday 2 Nov 2026 onwards, 70 days; in week 1 one day has 1 incident at 100 s, another 3 at 500 s.
    long.days = periodDays(new Date('2026-11-02T00:00:00Z'), new Date('2027-01-11T00:00:00Z'), 'UTC').map((day) => ({
      ...long.days[0],
      day,
      meanTimeToAcknowledgeSeconds: null,
      timeToAcknowledgeCount: 0,
    }));
    long.days[0] = { ...long.days[0], meanTimeToAcknowledgeSeconds: 100, timeToAcknowledgeCount: 1 };
    long.days[3] = { ...long.days[3], meanTimeToAcknowledgeSeconds: 500, timeToAcknowledgeCount: 3 };
    const trend = responseTrendPoints(long);
    expect(trend.unit).toBe('week');
    expect(trend.points).toHaveLength(10);
    expect(trend.points[0]).toEqual({ day: '2026-11-02', tta: 400, ttr: null });
    expect(trend.points[1]).toEqual({ day: '2026-11-09', tta: null, ttr: null });
    expect(responseTrendPoints(summary).unit).toBe('day');
  });

  it('labels techniques with their ATT&CK names where known', () => {
    expect(valuesOf(topTechniquesChart(summary)).map((v) => v.technique)).toEqual([
      'T0855 Unauthorized Command Message',
      'T0846 Remote System Discovery',
      'T0836 Modify Parameter',
      'T0843 Program Download',
      'T1059',
    ]);
  });

  it('labels only first days of months on a long period (1 January included)', async () => {
    const long = sampleSummary({ empty: true });
    long.days = periodDays(new Date('2026-11-15T00:00:00Z'), new Date('2027-02-10T00:00:00Z'), 'UTC').map((day) => ({ ...long.days[0], day }));
    const svg = await renderChartSvg(incidentsPerDayChart(long));
    expect(svg).toContain('>2026-12-01<');
    expect(svg).toContain('>2027-01-01<');
    expect(svg).toContain('>2027-02-01<');
    expect(svg).not.toContain('>2026-12-15<');
    const short = await renderChartSvg(incidentsPerDayChart(sampleSummary()));
    expect(short).toContain('>2026-11-15<');
  });

  it('renders headless SVG with one bar per technique', async () => {
    const svg = await renderChartSvg(topTechniquesChart(summary));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('T0846 Remote System Discovery');
    const bars = svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? [];
    expect(bars).toHaveLength(5);
  });
});
