import { sampleSummary } from './__fixtures__/sample-summary';
import { executiveSummary, formatDuration, formatPercent } from './narrative';

describe('formatDuration', () => {
  it.each([
    [null, 'n/a'],
    [0, '0 s'],
    [59.4, '59 s'],
    [60, '1 min'],
    [3599, '60 min'],
    [3600, '1 h'],
    [3720, '1 h 2 min'],
    [7170, '2 h'],
    [47 * 3600 + 59 * 60, '47 h 59 min'],
    [2 * 86400 + 3 * 3600, '2 d 3 h'],
    [3 * 86400 - 600, '3 d'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('formats percentages to one decimal', () => {
    expect(formatPercent(40)).toBe('40.0%');
    expect(formatPercent(100 / 3)).toBe('33.3%');
    expect(formatPercent(null)).toBe('n/a');
  });
});

describe('executiveSummary', () => {
  it('states the figures of the summary in plain sentences', () => {
    const summary = sampleSummary();
    const text = executiveSummary(summary).join('\n');
    expect(text).toContain(`${summary.incidents.total} incidents were opened in this period (${summary.incidents.bySeverity.CRITICAL} critical,`);
    expect(text).toContain('acknowledged in 14 min on average (median 9 min)');
    expect(text).toContain(`${formatPercent(summary.sla.compliancePercent)} of incidents with an SLA met it (${summary.sla.acknowledgeBreaches} acknowledgement breaches`);
    expect(text).toContain('T0855 (Unauthorized Command Message)');
    expect(text).toContain('1 sensor was silent at the end of the period: zeek-span.');
    expect(text).toContain('10 known vulnerabilities remain unpatched, 4 of them on critical assets.');
  });

  it('names the busiest day and the severity with the lowest compliance', () => {
    const summary = sampleSummary();
    const busiest = summary.days.reduce((a, b) => (b.opened > a.opened ? b : a));
    const text = executiveSummary(summary).join('\n');
    expect(text).toContain(`the busiest day was ${busiest.day} with ${busiest.opened}`);
    const lowest = Object.entries(summary.sla.bySeverity).sort((a, b) => (a[1].compliancePercent ?? 101) - (b[1].compliancePercent ?? 101))[0];
    expect(text).toContain(`Compliance was lowest for ${lowest[0].toLowerCase()} incidents`);
  });

  it('writes large counts with thousands separators', () => {
    const summary = sampleSummary();
    summary.incidents.total = 12_345;
    summary.incidents.bySeverity = { CRITICAL: 10_000, HIGH: 2_345, MEDIUM: 0, LOW: 0, INFO: 0 };
    expect(executiveSummary(summary)[0]).toMatch(/^12,345 incidents were opened in this period \(10,000 critical and 2,345 high\)/);
  });

  it('says plainly when nothing happened and leaves out figures that do not exist', () => {
    const sentences = executiveSummary(sampleSummary({ empty: true }));
    expect(sentences[0]).toBe('No incidents were opened in this period.');
    expect(sentences.join(' ')).not.toMatch(/acknowledged in|SLA|false positives|technique/);
  });
});
