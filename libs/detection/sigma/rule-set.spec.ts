// The rule index must give exactly what testing every rule gives. Checked with fast-check over
// random events built from the corpus rules' own field names and values (so that many of them
// match), against (a) every compiled rule's match() and (b) the naive interpreter.
import * as fs from 'node:fs';
import fc from 'fast-check';
import { compileRule } from './compile';
import { interpretRule } from './interpreter';
import { eventLogsource } from './logsource';
import { parseSigmaFile } from './parse';
import { buildRuleSet } from './rule-set';
import type { CompiledRule, SigmaEvent } from './types';
import { corpusRuleFiles } from './__fixtures__/corpus';
import { compileOrThrow, ev, ruleFromDetection } from './__fixtures__/helpers';

const compiled: CompiledRule[] = [];
for (const f of corpusRuleFiles()) {
  for (const rule of parseSigmaFile(fs.readFileSync(f, 'utf8')).rules) {
    const r = compileRule(rule);
    if (r.ok) compiled.push(r.rule);
  }
}

/** Field → values seen in the rules' detection maps (YAML scalars, wildcards stripped). */
function ruleVocabulary(rules: CompiledRule[]): Map<string, (string | number | boolean)[]> {
  const vocab = new Map<string, (string | number | boolean)[]>();
  const add = (field: string, v: unknown): void => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return;
    const value = typeof v === 'string' ? v.replace(/\\(?=[*?\\])/g, '').replace(/[*?]/g, '') : v;
    const list = vocab.get(field) ?? [];
    if (list.length < 40 && !list.includes(value)) list.push(value);
    vocab.set(field, list);
  };
  const walkMap = (m: Record<string, unknown>): void => {
    for (const [key, v] of Object.entries(m)) {
      const field = key.split('|')[0];
      if (!field) continue;
      if (Array.isArray(v)) v.forEach((x) => add(field, x));
      else add(field, v);
    }
  };
  for (const r of rules) {
    for (const [name, sel] of Object.entries(r.source.detection)) {
      if (name === 'condition') continue;
      if (Array.isArray(sel)) sel.forEach((x) => x && typeof x === 'object' && walkMap(x as Record<string, unknown>));
      else if (sel && typeof sel === 'object') walkMap(sel as Record<string, unknown>);
    }
  }
  return vocab;
}

const vocab = ruleVocabulary(compiled);
const fields = [...vocab.keys()].sort();
const logsources = (() => {
  const seen = new Map<string, Record<string, unknown>>();
  for (const r of compiled) {
    const n = { source_product: r.logsource.product, source_log: r.logsource.service, category: r.logsource.category };
    seen.set(JSON.stringify(n), n);
  }
  seen.set('zeek-conn', { source_product: 'zeek', source_log: 'conn' });
  seen.set('suricata-alert', { source_product: 'suricata', source_log: 'alert', event_class: 'alert' });
  seen.set('zeek-dns', { source_product: 'zeek', source_log: 'dns' });
  seen.set('fortigate-cef', { source_product: 'fortigate', source_log: 'cef' });
  seen.set('none', {});
  return [...seen.values()];
})();

function valueArb(values: (string | number | boolean)[]): fc.Arbitrary<unknown> {
  const known = fc.constantFrom(...values);
  return fc.oneof(
    { weight: 4, arbitrary: known },
    { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), known, fc.string({ maxLength: 6 })).map(([a, v, b]) => `${a}${String(v)}${b}`) },
    { weight: 1, arbitrary: known.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(known, { maxLength: 3 })) },
  );
}

const anyFieldValue = fc.constantFrom(...fields).chain((field) => fc.tuple(fc.constant(field), valueArb(vocab.get(field) as (string | number | boolean)[])));

/** An event aimed at one rule: most of its fields with its own values, some noise, its logsource or another. */
const eventArb: fc.Arbitrary<SigmaEvent> = fc.constantFrom(...compiled).chain((rule) => {
  const own = ruleVocabulary([rule]);
  const ownFields = [...own.keys()];
  const ownPairs = ownFields.length
    ? fc.subarray(ownFields).chain((fs) => fc.tuple(...fs.map((f) => fc.tuple(fc.constant(f), valueArb(own.get(f) as (string | number | boolean)[])))))
    : fc.constant([] as [string, unknown][]);
  const claim = { source_product: rule.logsource.product, source_log: rule.logsource.service, category: rule.logsource.category };
  return fc
    .tuple(ownPairs, fc.array(anyFieldValue, { maxLength: 4 }), fc.oneof({ weight: 3, arbitrary: fc.constant(claim) }, { weight: 1, arbitrary: fc.constantFrom(...logsources) }))
    .map(([pairs, noise, normalized]) => ({ raw: Object.fromEntries([...noise, ...pairs]), normalized: { ...normalized } }));
});

const ids = (rs: CompiledRule[]): string[] => rs.map((r) => r.id ?? r.title);

describe('buildRuleSet', () => {
  const set = buildRuleSet(compiled);

  test('the corpus gives enough rules to index', () => {
    expect(compiled.length).toBeGreaterThan(700);
  });

  test('equals evaluating every rule (fast-check, corpus rules)', () => {
    let matches = 0;
    fc.assert(
      fc.property(eventArb, (event) => {
        const expected = compiled.filter((r) => r.match(event));
        matches += expected.length;
        expect(ids(set.match(event))).toEqual(ids(expected));
      }),
      { numRuns: 3000 },
    );
    // the generator must actually exercise matches, or the equivalence would be vacuous
    expect(matches).toBeGreaterThan(200);
  });

  test('equals the naive interpreter (fast-check, corpus rules)', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const expected = compiled.filter((r) => interpretRule(r.source, event));
        expect(ids(set.match(event))).toEqual(ids(expected));
      }),
      { numRuns: 300 },
    );
  });

  test('candidates are only rules whose logsource the event satisfies', () => {
    const event = ev({ query: 'x' }, { source_product: 'zeek', source_log: 'dns' });
    const cands = set.candidates(event);
    expect(cands.length).toBeGreaterThan(0);
    const ls = eventLogsource(event.normalized);
    expect(ls.categories).toContain('dns');
    for (const r of cands) expect(r.matchesLogsource(event)).toBe(true);
    expect(cands.some((r) => r.logsource.category === 'dns' && !r.logsource.product)).toBe(true);
    expect(cands.some((r) => r.logsource.product === 'windows')).toBe(false);
    expect(compiled.filter((r) => r.matchesLogsource(event)).length).toBe(cands.length);
  });

  test('required fields skip rules without touching their matcher, keyword rules are never skipped', () => {
    const sel = compileOrThrow(ruleFromDetection('sel:\n    a: 1\n    b: 2\ncondition: sel'));
    const either = compileOrThrow(ruleFromDetection('s1:\n    a: 1\ns2:\n    c: 3\ncondition: s1 or s2'));
    const negated = compileOrThrow(ruleFromDetection('s1:\n    a: 1\ncondition: not s1'));
    const kw = compileOrThrow(ruleFromDetection("kw:\n    - 'needle'\ncondition: kw"));
    const nul = compileOrThrow(ruleFromDetection('s1:\n    a: null\ncondition: s1'));
    const neq = compileOrThrow(ruleFromDetection("s1:\n    a|neq: 'x'\ncondition: s1"));
    expect(neq.requiredAnyOf).toBeNull(); // a missing field satisfies neq
    expect(sel.requiredAnyOf).toEqual(['a']);
    expect(either.requiredAnyOf).toEqual(['a', 'c']);
    expect(negated.requiredAnyOf).toBeNull();
    expect(kw.requiredAnyOf).toBeNull();
    expect(nul.requiredAnyOf).toBeNull();
    const rs = buildRuleSet([sel, either, negated, kw, nul]);
    const claim = { source_product: 'test' };
    expect(rs.match(ev({ x: 'needle' }, claim))).toEqual([negated, kw, nul]);
    expect(rs.match(ev({ a: 1, b: 2 }, claim))).toEqual([sel, either]);
    expect(rs.match(ev({ c: 3 }, { source_product: 'other' }))).toEqual([]);
  });

  test('rules sharing a long field value agree through the per-event lowering memo', () => {
    const cmd = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.EXE -NoP -W Hidden -Enc AAAA';
    const a = compileOrThrow(ruleFromDetection("s:\n    CommandLine|contains: 'powershell.exe -nop'\ncondition: s"));
    const b = compileOrThrow(ruleFromDetection("s:\n    CommandLine|endswith: '-enc aaaa'\ncondition: s"));
    const c = compileOrThrow(ruleFromDetection("s:\n    CommandLine|cased|contains: 'powershell.exe'\ncondition: s"));
    const d = compileOrThrow(ruleFromDetection("s:\n    CommandLine: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe -nop -w hidden -enc aaaa'\ncondition: s"));
    const rs = buildRuleSet([a, b, c, d]);
    const e = ev({ CommandLine: cmd }, { source_product: 'test' });
    expect(rs.match(e)).toEqual([a, b, d]);
    expect([a, b, c, d].filter((r) => r.match(e))).toEqual([a, b, d]);
  });

  test('a malformed event matches nothing instead of throwing', () => {
    expect(set.match({} as SigmaEvent)).toEqual([]);
    expect(set.match({ raw: null, normalized: undefined } as unknown as SigmaEvent)).toEqual([]);
  });

  test('IDS and firewall categories are derived for any product', () => {
    const ids = compileOrThrow(ruleFromDetection("s:\n    alert.signature|contains: 'modbus'\ncondition: s", 'logsource:\n    category: ids\n'));
    const fw = compileOrThrow(ruleFromDetection("s:\n    action: 'deny'\ncondition: s", 'logsource:\n    category: firewall\n'));
    const rs = buildRuleSet([ids, fw]);
    const suri = ev({ alert: { signature: 'ET SCADA Modbus write' } }, { source_product: 'suricata', source_log: 'alert' });
    const other = ev({ alert: { signature: 'modbus' } }, { source_product: 'otsensor', event_class: 'alert' });
    const flow = ev({ alert: { signature: 'modbus' } }, { source_product: 'suricata', source_log: 'flow' });
    const cef = ev({ action: 'deny' }, { source_product: 'acme', source_log: 'cef' });
    expect(rs.match(suri)).toEqual([ids]);
    expect(rs.match(other)).toEqual([ids]);
    expect(rs.match(flow)).toEqual([]);
    expect(rs.match(cef)).toEqual([fw]);
  });
});
