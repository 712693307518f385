import { compileRule } from './compile';
import { interpretRule } from './interpreter';
import { parseSigmaFile } from './parse';
import { findUnsafeRegexShape } from './regex-safety';
import type { CompiledRule } from './types';

function rule(pattern: string): { ok: true; rule: CompiledRule } | { ok: false; reason: string } {
  const yaml = `title: regex
id: 5f0c3a52-9a7e-4b55-9f0e-0c8d3c2a9b11
logsource: { category: process_creation, product: windows }
detection:
  selection:
    CommandLine|re: '${pattern.replace(/'/g, "''")}'
  condition: selection
`;
  const [parsed] = parseSigmaFile(yaml).rules;
  return compileRule(parsed);
}

describe('findUnsafeRegexShape', () => {
  it.each([
    ['^(?=.*x)(a+)+$', 'nested quantifier beside a lookahead'],
    ['(a|ab)*\\1', 'repeated alternation with a backreference'],
    ['(?:\\w+\\s?)*(?=;)', 'repeated group of quantifiers before a lookahead'],
    ['((a+)b)*(?<!c)', 'quantifier two groups deep under a repetition, with a lookbehind'],
    ['(?!x)(a|b){2,}', 'alternation repeated by a counted quantifier'],
  ])('refuses %s (%s)', (source) => {
    expect(findUnsafeRegexShape(source)).toMatch(/backtrack exponentially/);
  });

  it.each([
    ['(a+)+$', 'nested, but without lookaround or backreference: the linear engine takes it over'],
    ['(?!foo)\\w+bar', 'one quantifier, no repeated group'],
    ['(?=x)[(a+)+]', 'brackets and pluses inside a character class'],
    ['(?=x)(ab)+?c*?', 'lazy quantifiers of plain groups'],
    ['(?=x)\\(a+\\)+', 'escaped parentheses are not a group'],
    ['(?=x)(a{2})b{3}', 'counted repetition without a repeated risky group'],
  ])('accepts %s (%s)', (source) => {
    expect(findUnsafeRegexShape(source)).toBeNull();
  });
});

describe('regular expressions in rules', () => {
  // 28 characters: V8's backtracking engine alone needs several seconds for each test of this input
// (it doubles with every character), the linear-time engine a few microseconds.
const hostile = { raw: { CommandLine: `${'a'.repeat(28)}!` }, normalized: {} };

  it('refuses a rule whose regex could backtrack exponentially and cannot be run linearly', () => {
    const r = rule('^(?=a)(a+)+$');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/regular expression refused: .*backtrack exponentially/);
  });

  it('runs a catastrophic pattern without lookarounds in bounded time, with the right answer', () => {
    const r = rule('^(a+)+$');
    if (!r.ok) throw new Error(r.reason);
    const started = Date.now();
    expect(r.rule.matchesDetection(hostile)).toBe(false);
    expect(r.rule.matchesDetection({ raw: { CommandLine: 'a'.repeat(28) }, normalized: {} })).toBe(true);
    expect(interpretRule(r.rule.source, hostile, {}, false)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
