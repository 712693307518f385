import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { checkCorrelationSet, compileCorrelation, conditionBounds, parseTimespan, refsWithoutOwnAlerts } from './correlation-compiler';
import type { CompiledCorrelation } from './correlation.types';
import { SPEC_ALIAS_CORRELATION } from './correlation-test-support';

const SPEC_DIR = path.resolve(__dirname, '../../..', '../shared/corpora/sigma/sigma-specification');
const SCHEMA_TESTS = path.join(SPEC_DIR, 'tests/schema/correlation');

function ok(doc: unknown): CompiledCorrelation {
  const r = compileCorrelation(doc);
  if (!r.ok) throw new Error(`unexpected refusal: ${r.reason}`);
  return r.correlation;
}

function reason(doc: unknown): string {
  const r = compileCorrelation(doc);
  if (r.ok) throw new Error('expected a refusal');
  return r.reason;
}

const base = (correlation: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  title: 'Many failed logins',
  id: 'corr-1',
  ...top,
  correlation: { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '5m', condition: { gte: 10 }, ...correlation },
});

describe('compileCorrelation on the specification schema tests (one per type)', () => {
  const files = readdirSync(SCHEMA_TESTS).filter((f) => f.endsWith('.yml'));

  test('the corpus holds one test per correlation type', () => {
    expect(files.sort()).toEqual(
      ['event_count.yml', 'event_count_ecs.yml', 'temporal.yml', 'temporal_ordered.yml', 'value_avg.yml', 'value_count.yml', 'value_percentile.yml', 'value_sum.yml'],
    );
  });

  test.each(['event_count.yml', 'event_count_ecs.yml', 'value_count.yml', 'temporal.yml', 'temporal_ordered.yml', 'value_sum.yml', 'value_avg.yml'])('%s compiles', (file) => {
    const doc = parse(readFileSync(path.join(SCHEMA_TESTS, file), 'utf8'));
    const c = ok(doc);
    expect(c.type).toBe(doc.correlation.type);
    expect(c.rules).toEqual(doc.correlation.rules);
    expect(c.groupBy).toEqual(doc.correlation['group-by']);
  });

  test('value_percentile.yml is refused as not supported', () => {
    const doc = parse(readFileSync(path.join(SCHEMA_TESTS, 'value_percentile.yml'), 'utf8'));
    expect(reason(doc)).toMatch(/value_percentile is not supported: the specification does not define which percentile/);
  });

  test('value_sum.yml: sum of bytes_sent above 1,000,000 on sliding windows', () => {
    const c = ok(parse(readFileSync(path.join(SCHEMA_TESTS, 'value_sum.yml'), 'utf8')));
    expect(c).toMatchObject({
      valueFields: ['bytes_sent'],
      bounds: null,
      thresholds: { lower: { value: 1_000_000, inclusive: false }, upper: null, exclude: null },
      evaluation: 'sliding',
    });
  });

  test('value_avg.yml: average BytesOut above 500, judged on closing windows', () => {
    const c = ok(parse(readFileSync(path.join(SCHEMA_TESTS, 'value_avg.yml'), 'utf8')));
    expect(c).toMatchObject({ valueFields: ['BytesOut'], thresholds: { lower: { value: 500, inclusive: false } }, evaluation: 'closing' });
  });

  test('event_count.yml: gte 100 per ComputerName within 1h, evaluated on sliding windows', () => {
    const c = ok(parse(readFileSync(path.join(SCHEMA_TESTS, 'event_count.yml'), 'utf8')));
    expect(c).toMatchObject({
      id: '0e95725d-7320-415d-80f7-004da920fc11',
      timespanMs: 3_600_000,
      bounds: { min: 100, max: null, exclude: null },
      evaluation: 'sliding',
      level: 'medium',
      generate: false,
    });
  });

  test('value_count.yml counts distinct User values', () => {
    const c = ok(parse(readFileSync(path.join(SCHEMA_TESTS, 'value_count.yml'), 'utf8')));
    expect(c.valueFields).toEqual(['User']);
    expect(c.timespanMs).toBe(86_400_000);
  });

  test('temporal.yml without condition requires all three rules', () => {
    const c = ok(parse(readFileSync(path.join(SCHEMA_TESTS, 'temporal.yml'), 'utf8')));
    expect(c.bounds?.min).toBe(3);
    expect(c.condition).toEqual({ gte: 3 });
    // no id and no name: a stable derived id
    expect(c.id).toMatch(/^title:[0-9a-f]{16}$/);
  });

  test('the specification example chain compiles and is acyclic', () => {
    const text = readFileSync(path.join(SPEC_DIR, 'specification/sigma-correlation-rules-specification.md'), 'utf8');
    const block = /### Failed Logins Followed by Successful Login[\s\S]*?```yml\n([\s\S]*?)```/.exec(text);
    expect(block).not.toBeNull();
    const docs = parseAllDocuments(block![1]).map((d) => d.toJS());
    const correlations = docs.filter((d) => d.correlation).map(ok);
    expect(correlations.map((c) => c.type)).toEqual(['temporal_ordered', 'event_count']);
    expect(correlations[1].refs).toEqual(['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', 'multiple_failed_login']);
    expect(correlations[0].level).toBe('high');
    expect(checkCorrelationSet(correlations)).toEqual({ ok: true });
  });
});

describe('compileCorrelation accepts', () => {
  test('a range (gt 100, lte 200) as closing-window bounds 101..200', () => {
    const c = ok(base({ condition: { gt: 100, lte: 200 } }));
    expect(c.bounds).toEqual({ min: 101, max: 200, exclude: null });
    expect(c.evaluation).toBe('closing');
  });

  test('lt alone as bounds 1..N-1 on closing windows', () => {
    const c = ok(base({ condition: { lt: 5 } }));
    expect(c.bounds).toEqual({ min: 1, max: 4, exclude: null });
    expect(c.evaluation).toBe('closing');
  });

  test('neq as an exclusion', () => {
    expect(ok(base({ condition: { gte: 2, neq: 3 } })).bounds).toEqual({ min: 2, max: null, exclude: 3 });
  });

  test('id falls back to name; refs hold both', () => {
    const c = ok(base({}, { id: undefined, name: 'many_failed' }));
    expect(c.id).toBe('many_failed');
    expect(ok(base({}, { name: 'many_failed' })).refs).toEqual(['corr-1', 'many_failed']);
  });

  test('a derived id is stable and changes with the definition', () => {
    const a = ok(base({}, { id: undefined }));
    expect(ok(base({}, { id: undefined })).id).toBe(a.id);
    expect(ok(base({ timespan: '6m' }, { id: undefined })).id).not.toBe(a.id);
  });

  test('the state version changes with the definition but not with the title', () => {
    const a = ok(base({}));
    expect(ok(base({}, { title: 'Renamed' })).stateVersion).toBe(a.stateVersion);
    expect(ok(base({ 'group-by': ['Host'] })).stateVersion).not.toBe(a.stateVersion);
  });

  test('generate, level and tags', () => {
    const c = ok(base({ generate: true }, { level: 'critical', tags: ['attack.t1110'] }));
    expect(c).toMatchObject({ generate: true, level: 'critical', tags: ['attack.t1110'] });
    expect(ok(base({}, { generate: true })).generate).toBe(true);
  });

  test('aliases mapping listed rules', () => {
    const c = ok({
      title: 'Alias',
      correlation: SPEC_ALIAS_CORRELATION,
    });
    expect(c.aliases.internal_ip.new_network_connection).toBe('source.ip');
  });

  test('value_count with several fields', () => {
    expect(ok(base({ type: 'value_count', condition: { field: ['User', 'Domain'], gte: 3 } })).valueFields).toEqual(['User', 'Domain']);
  });

  test('value_sum thresholds may be fractional or negative; upper bounds use closing windows', () => {
    const c = ok(base({ type: 'value_sum', condition: { field: 'delta', gte: -2.5, lt: 0.5 } }));
    expect(c.thresholds).toEqual({ lower: { value: -2.5, inclusive: true }, upper: { value: 0.5, inclusive: false }, exclude: null });
    expect(c.evaluation).toBe('closing');
  });

  test('count thresholds mirror the integer bounds', () => {
    expect(ok(base({ condition: { gt: 2, lt: 6 } })).thresholds).toEqual({ lower: { value: 3, inclusive: true }, upper: { value: 5, inclusive: true }, exclude: null });
  });

  test('missing group-by means one group per tenant', () => {
    expect(ok(base({ 'group-by': undefined })).groupBy).toEqual([]);
  });
});

describe('compileCorrelation refuses with a reason', () => {
  test.each<[string, unknown, RegExp]>([
    ['a non-object', 'event_count', /must be a YAML map/],
    ['a plain Sigma rule', { title: 'x', detection: {} }, /correlation section is missing/],
    ['no title', { correlation: base({}).correlation }, /title is required/],
    ['an unknown type', base({ type: 'event_sum' }), /"event_sum" is unknown/],
    ['no rules', base({ rules: [] }), /correlation.rules must not be empty/],
    ['rules that are not strings', base({ rules: [42] }), /only non-empty strings/],
    ['a duplicate rule', base({ rules: ['a', 'a'] }), /lists "a" twice/],
    ['a self reference', base({ rules: ['corr-1'] }), /refers to the correlation itself/],
    ['a timespan without unit', base({ timespan: '5' }), /timespan "5" must be a positive number/],
    ['an upper-case unit', base({ timespan: '5M' }), /timespan "5M"/],
    ['a zero timespan', base({ timespan: '0s' }), /timespan "0s"/],
    ['a weeks timespan', base({ timespan: '1w' }), /timespan "1w"/],
    ['a numeric timespan', base({ timespan: 300 }), /timespan must be a string/],
    ['a timespan over 30 days', base({ timespan: '31d' }), /exceeds the supported maximum/],
    ['event_count without condition', base({ condition: undefined }), /condition is required for event_count/],
    ['an unknown operator', base({ condition: { above: 3 } }), /unknown operator "above"/],
    ['a fractional threshold', base({ condition: { gte: 2.5 } }), /must be a non-negative integer/],
    ['a string threshold', base({ condition: { gte: '10' } }), /must be a non-negative integer/],
    ['gt with gte', base({ condition: { gt: 3, gte: 4 } }), /both gt and gte/],
    ['lt with lte', base({ condition: { lt: 3, lte: 4 } }), /both lt and lte/],
    ['eq with a bound', base({ condition: { eq: 3, gt: 1 } }), /eq cannot be combined/],
    ['an empty range', base({ condition: { gt: 10, lte: 5 } }), /can never be true/],
    ['lt 1 (a window always holds an event)', base({ condition: { lt: 1 } }), /can never be true/],
    ['gte 1 (true for every event)', base({ condition: { gte: 1 } }), /true for every single event/],
    ['value_count without field', base({ type: 'value_count', condition: { gte: 3 } }), /field is required for value_count/],
    ['field on event_count', base({ condition: { field: 'User', gte: 3 } }), /only meaningful for value_count, value_sum and value_avg, not event_count/],
    ['value_sum without field', base({ type: 'value_sum', condition: { gt: 3 } }), /field is required for value_sum/],
    ['value_avg over two fields', base({ type: 'value_avg', condition: { field: ['a', 'b'], gt: 3 } }), /exactly one numeric field/],
    ['value_sum with a text threshold', base({ type: 'value_sum', condition: { field: 'bytes', gt: 'lots' } }), /must be a number/],
    ['value_sum with an empty range', base({ type: 'value_sum', condition: { field: 'bytes', gt: 10, lt: 10 } }), /can never be true/],
    ['a temporal rule with one rule', base({ type: 'temporal', rules: ['a'], condition: undefined }), /at least two rules/],
    ['temporal asking for more rules than listed', base({ type: 'temporal', rules: ['a', 'b'], condition: { gte: 3 } }), /only 2 are listed/],
    ['temporal_ordered with a partial condition', base({ type: 'temporal_ordered', rules: ['a', 'b', 'c'], condition: { gte: 2 } }), /only "all rules in order"/],
    ['an alias for an unlisted rule', base({ aliases: { ip: { other_rule: 'src' } } }), /refers to rule "other_rule", which is not listed/],
    ['an alias that is not a map', base({ aliases: { ip: 'src' } }), /must map rule names to field names/],
    ['an invalid level', base({}, { level: 'severe' }), /level "severe" must be one of/],
    ['a non-boolean generate', base({ generate: 'yes' }), /generate must be true or false/],
    ['group-by that is not a list', base({ 'group-by': { a: 1 } }), /group-by must be a list/],
    ['an empty id', base({}, { id: '' }), /id must be a non-empty string/],
    ['a too long title', base({}, { title: 'x'.repeat(257) }), /longer than 256/],
  ])('%s', (_what, doc, expected) => {
    expect(reason(doc)).toMatch(expected);
  });

  test('a YAML map without correlation type', () => {
    expect(reason({ title: 'x', correlation: { rules: ['a'] } })).toMatch(/correlation.type is required/);
  });
});

describe('parseTimespan and conditionBounds', () => {
  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['90m', 5_400_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseTimespan(text)).toEqual({ ok: true, ms });
  });

  test('eq gives equal bounds', () => {
    expect(conditionBounds({ eq: 4 })).toEqual({ ok: true, bounds: { min: 4, max: 4, exclude: null } });
  });

  test('gt gives min + 1', () => {
    expect(conditionBounds({ gt: 4 })).toEqual({ ok: true, bounds: { min: 5, max: null, exclude: null } });
  });
});

describe('checkCorrelationSet', () => {
  const corr = (id: string, rules: string[]) => ok({ title: id, id, correlation: { type: 'event_count', rules, timespan: '1m', condition: { gte: 2 } } });

  test('finds a reference cycle', () => {
    const r = checkCorrelationSet([corr('a', ['b']), corr('b', ['c']), corr('c', ['a'])]);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/cycle: a → b → c → a/) });
  });

  test('finds duplicate ids', () => {
    expect(checkCorrelationSet([corr('a', ['x']), corr('a', ['y'])])).toEqual({ ok: false, reason: expect.stringMatching(/share the id "a"/) });
  });

  test('accepts a chain', () => {
    expect(checkCorrelationSet([corr('a', ['b']), corr('b', ['base'])])).toEqual({ ok: true });
  });
});

describe('refsWithoutOwnAlerts', () => {
  const corr = (id: string, rules: string[], generate: boolean) =>
    ok({ title: id, id, correlation: { type: 'event_count', rules, timespan: '1m', condition: { gte: 2 }, generate } });

  test('rules listed only by correlations without generate lose their own alerts', () => {
    expect(refsWithoutOwnAlerts([corr('a', ['x', 'y'], false), corr('b', ['y', 'z'], true)])).toEqual(new Set(['x']));
  });

  test('nothing is silenced without correlations', () => {
    expect(refsWithoutOwnAlerts([])).toEqual(new Set());
  });
});
