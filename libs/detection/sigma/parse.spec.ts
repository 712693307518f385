import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileRule } from './compile';
import { parseSigmaFile } from './parse';
import { SIGMA_SPEC } from './__fixtures__/corpus';
import { detects, ev } from './__fixtures__/helpers';

const multi = `
title: Firewall block
name: firewall_block
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
author: Someone
level: low
tags:
    - attack.t1110
references:
    - https://example.org/a
falsepositives:
    - scanners
logsource:
    category: firewall
detection:
    selection:
        action: blocked
    condition: selection
---
title: Many blocks
id: 0e95725d-7320-415d-80f7-004da920fc11
level: high
correlation:
    type: event_count
    rules:
        - firewall_block
    group-by:
        - src_ip
    timespan: 1h
    generate: true
    aliases:
        ip:
            firewall_block: src_ip
    condition:
        gte: 100
---
`;

describe('parseSigmaFile', () => {
  test('collects the rules and correlation documents of a multi-document file', () => {
    const r = parseSigmaFile(multi);
    expect(r.errors).toEqual([]);
    expect(r.rules).toHaveLength(1);
    const rule = r.rules[0];
    expect(rule).toMatchObject({ id: '5638f7c0-ac70-491d-8465-2a65075e0d86', name: 'firewall_block', title: 'Firewall block', author: 'Someone', level: 'low', documentIndex: 0 });
    expect(rule.tags).toEqual(['attack.t1110']);
    expect(rule.references).toEqual(['https://example.org/a']);
    expect(rule.falsepositives).toEqual(['scanners']);
    expect(rule.logsource).toEqual({ category: 'firewall' });
    expect(r.correlations).toHaveLength(1);
    expect(r.correlations[0]).toMatchObject({
      id: '0e95725d-7320-415d-80f7-004da920fc11',
      title: 'Many blocks',
      level: 'high',
      type: 'event_count',
      rules: ['firewall_block'],
      groupBy: ['src_ip'],
      timespan: '1h',
      generate: true,
      condition: { gte: 100 },
      aliases: { ip: { firewall_block: 'src_ip' } },
      documentIndex: 1,
    });
  });

  test('parses every correlation example of the specification', () => {
    const dir = path.join(SIGMA_SPEC, 'tests/schema/correlation');
    const types = new Set<string>();
    for (const f of fs.readdirSync(dir)) {
      const r = parseSigmaFile(fs.readFileSync(path.join(dir, f), 'utf8'));
      expect(r.errors).toEqual([]);
      expect(r.correlations.length).toBeGreaterThan(0);
      for (const c of r.correlations) {
        expect(c.rules.length).toBeGreaterThan(0);
        if (c.type) types.add(c.type);
      }
    }
    expect([...types].sort()).toEqual(['event_count', 'temporal', 'temporal_ordered', 'value_avg', 'value_count', 'value_percentile', 'value_sum']);
  });

  test('parses the spec filter example as a filter document', () => {
    const r = parseSigmaFile(fs.readFileSync(path.join(SIGMA_SPEC, 'tests/schema/filter/filter_1.yml'), 'utf8'));
    expect(r.errors).toEqual([]);
    expect(r.filters).toHaveLength(1);
    expect(r.filters[0].rules).toEqual(['6f3e2987-db24-4c78-a860-b4f4095a7095', 'df0841c0-9846-4e9f-ad8a-7df91571771b']);
    expect(Object.keys(r.filters[0].detection).sort()).toEqual(['condition', 'selection']);
  });

  test.each([
    ['broken YAML', 'title: [unclosed\n', /YAML/],
    ['duplicate keys', 'title: a\ntitle: b\nlogsource: {}\ndetection: {condition: x}\n', /YAML/],
    ['a scalar document', 'just text\n', /not a map/],
    ['a rule without title', 'logsource: {product: x}\ndetection: {sel: {a: 1}, condition: sel}\n', /no title/],
    ['a rule without logsource', 'title: t\ndetection: {sel: {a: 1}, condition: sel}\n', /missing logsource/],
    ['legacy action: global collections', 'action: global\ntitle: t\n', /legacy Sigma 1.0 rule collection/],
    ['an unknown document', 'title: t\nfoo: bar\n', /neither a rule/],
    ['a filter without rules', 'title: f\nlogsource: {product: x}\nfilter: {selection: {a: 1}, condition: selection}\n', /no rules to apply to/],
  ])('reports %s as an error without throwing', (_n, text, reason) => {
    const r = parseSigmaFile(text);
    expect(r.rules).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].reason).toMatch(reason);
  });

  test('one bad document does not hide the good ones', () => {
    const r = parseSigmaFile('title: bad\n---\ntitle: good\nlogsource: {product: x}\ndetection: {sel: {a: 1}, condition: sel}\n');
    expect(r.rules.map((x) => x.title)).toEqual(['good']);
    expect(r.errors[0].documentIndex).toBe(0);
  });
});

describe('global filters (sigma-filters-specification)', () => {
  const text = `
title: Rar use
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\rar.exe'
    condition: selection
---
title: Filter Administrator account
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
    selection:
        User|startswith: 'adm_'
    condition: not selection
`;
  const parsed = parseSigmaFile(text);
  const rule = parsed.rules[0];

  test('a filter naming the rule suppresses its matches', () => {
    const opts = { filters: parsed.filters };
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'bob' }), opts)).toBe(true);
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }), opts)).toBe(false);
    const compiled = compileRule(rule, opts);
    expect(compiled.ok && compiled.rule.appliedFilters).toEqual(['Filter Administrator account']);
  });

  test('without the filter the rule matches', () => {
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }))).toBe(true);
  });

  test('a filter for another rule does not apply', () => {
    const other = { ...parsed.filters[0], rules: ['another-rule'] };
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }), { filters: [other] })).toBe(true);
  });

  test('a filter whose logsource does not contain the rule\'s does not apply', () => {
    const other = { ...parsed.filters[0], logsource: { product: 'linux' } };
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }), { filters: [other] })).toBe(true);
    const broader = { ...parsed.filters[0], logsource: { product: 'windows' } };
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }), { filters: [broader] })).toBe(false);
  });

  test("rules: any applies the filter to every rule of its logsource", () => {
    const anyRule = { ...parsed.filters[0], rules: ['any'] };
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }), { filters: [anyRule] })).toBe(false);
  });

  test('the filter condition is conjoined as written (pySigma semantics)', () => {
    const keepOnly = { ...parsed.filters[0], detection: { selection: { 'User|startswith': 'adm_' }, condition: 'selection' } };
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'adm_bob' }), { filters: [keepOnly] })).toBe(true);
    expect(detects(rule, ev({ Image: 'c:\\x\\rar.exe', User: 'bob' }), { filters: [keepOnly] })).toBe(false);
  });

  test('an invalid filter refuses the rule it applies to', () => {
    const bad = { ...parsed.filters[0], detection: { selection: { 'User|bogus': 'x' }, condition: 'selection' } };
    const r = compileRule(rule, { filters: [bad] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/unknown modifier 'bogus'/);
  });
});
