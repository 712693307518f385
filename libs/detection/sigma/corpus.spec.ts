// Every rule of the SigmaHQ corpus either compiles or is refused with a reason; refusals stay
// under 2% outside unsupported/ (legacy aggregation rules, counted separately).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSigmaFiles, groupReasons, refusedPercent } from './check-report';
import { SIGMA_CORPUS, corpusRuleFiles } from './__fixtures__/corpus';

const files = corpusRuleFiles().map((f) => ({ path: path.relative(SIGMA_CORPUS, f), text: fs.readFileSync(f, 'utf8') }));
const report = checkSigmaFiles(files);

describe('SigmaHQ corpus', () => {
  test('has 700+ rules outside unsupported/', () => {
    expect(report.main.rules).toBeGreaterThan(700);
  });

  test('every rule compiles or carries a non-empty reason', () => {
    expect(report.main.compiled + report.main.refused.length).toBe(report.main.rules);
    for (const r of report.main.refused) expect(r.reason.length).toBeGreaterThan(10);
  });

  test('refused < 2% (only rules needing tenant placeholder values)', () => {
    expect(refusedPercent(report.main)).toBeLessThan(2);
    for (const r of report.main.refused) expect(r.reason).toMatch(/placeholder %[^%]+% has no values/);
  });

  test('with placeholder values configured, the placeholder rules compile too', () => {
    const names = new Set<string>();
    for (const r of report.main.refused) names.add((/%([^%]+)%/.exec(r.reason) as RegExpExecArray)[1]);
    // give every placeholder a value, as a tenant would; the rules that needed more than one
    // placeholder are re-refused until all are supplied, so iterate until stable
    const placeholders: Record<string, string[]> = {};
    let again = checkSigmaFiles(files, { placeholders });
    for (let i = 0; i < 5 && again.main.refused.length > 0; i++) {
      for (const r of again.main.refused) {
        const m = /%([^%]+)% has no values/.exec(r.reason);
        if (m) placeholders[m[1]] = ['example-value'];
      }
      again = checkSigmaFiles(files, { placeholders });
    }
    expect(names.size).toBeGreaterThan(0);
    expect(again.main.refused).toEqual([]);
  });

  test('legacy aggregation rules in unsupported/ are refused as such', () => {
    expect(report.legacy.rules).toBe(37);
    const reasons = report.legacy.refused.map((r) => r.reason);
    const legacy = reasons.filter((r) => r.includes('legacy aggregation syntax'));
    expect(legacy.length).toBeGreaterThanOrEqual(34);
    // every count()/near/timeframe rule is among them
    for (const f of files.filter((x) => x.path.startsWith('unsupported'))) {
      if (/\|\s*(count|near)|timeframe:/.test(f.text)) {
        expect(report.legacy.refused.find((r) => r.path === f.path)?.reason).toMatch(/legacy aggregation syntax/);
      }
    }
  });

  test('groups reasons for the report', () => {
    const grouped = groupReasons(report.legacy.refused);
    expect(grouped[0][1]).toBeGreaterThan(1);
    expect(grouped.reduce((n, [, c]) => n + c, 0)).toBe(report.legacy.refused.length);
  });
});
