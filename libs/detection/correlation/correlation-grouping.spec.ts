import { groupKeyOf, numericText, placeMatch, resolveFieldName, ruleIndexOf, scalarText } from './correlation-grouping';
import type { CorrelationMatch } from './correlation.types';
import { SPEC_ALIAS_CORRELATION, compiled } from './correlation-test-support';

const m = (ruleRefs: string[], fields: Record<string, unknown>): CorrelationMatch => ({
  ruleRefs,
  eventId: 'e1',
  ts: new Date(0),
  fields: (name) => fields[name],
});

const aliased = compiled({
  title: 'Alias',
  correlation: SPEC_ALIAS_CORRELATION,
});

const distinct = compiled({
  title: 'Users',
  correlation: { type: 'value_count', rules: ['r1', 'r2'], 'group-by': ['Host'], timespan: '1h', condition: { field: ['User', 'Domain'], gte: 3 } },
});

describe('placeMatch', () => {
  test('resolves aliases per rule, so opposite fields of two rules land in the same group', () => {
    const a = placeMatch(aliased, m(['internal_error'], { 'destination.ip': '10.0.0.5', 'source.ip': '192.0.2.1' }));
    const b = placeMatch(aliased, m(['new_network_connection'], { 'source.ip': '10.0.0.5', 'destination.ip': '192.0.2.1' }));
    expect(a).toEqual({ ruleIndex: 0, groupValues: ['10.0.0.5', '192.0.2.1'], value: '1' });
    expect(b).toEqual({ ruleIndex: 1, groupValues: ['10.0.0.5', '192.0.2.1'], value: '2' });
  });

  test('ignores a match whose group-by value is missing, null, empty or not scalar', () => {
    for (const v of [undefined, null, '', { a: 1 }, ['x'], Number.NaN]) {
      expect(placeMatch(distinct, m(['r1'], { Host: v, User: 'u', Domain: 'd' }))).toBeUndefined();
    }
  });

  test('ignores a value_count match without the counted field', () => {
    expect(placeMatch(distinct, m(['r1'], { Host: 'h', User: 'u' }))).toBeUndefined();
  });

  test('counts a tuple when several value fields are listed; numbers become text', () => {
    expect(placeMatch(distinct, m(['r2'], { Host: 7, User: 'u', Domain: 'd' }))).toEqual({ ruleIndex: 1, groupValues: ['7'], value: '["u","d"]' });
  });

  test('ignores a match of a rule the correlation does not list', () => {
    expect(placeMatch(distinct, m(['other'], { Host: 'h', User: 'u', Domain: 'd' }))).toBeUndefined();
  });

  test('treats a throwing field accessor as a missing field', () => {
    const match: CorrelationMatch = { ruleRefs: ['r1'], eventId: 'e', ts: new Date(0), fields: () => { throw new Error('boom'); } };
    expect(placeMatch(distinct, match)).toBeUndefined();
  });
});

describe('placeMatch for value_sum', () => {
  const sum = compiled({
    title: 'Exfil',
    correlation: { type: 'value_sum', rules: ['web'], 'group-by': ['SourceIP'], timespan: '1h', condition: { field: 'bytes_sent', gt: 1000 } },
  });

  test('takes numbers and numeric strings, ignores anything else', () => {
    const value = (v: unknown) => placeMatch(sum, m(['web'], { SourceIP: '10.0.0.1', bytes_sent: v }))?.value;
    expect(value(1500)).toBe('1500');
    expect(value(' 2.5e3 ')).toBe('2500');
    expect(value('-7')).toBe('-7');
    for (const bad of ['12kB', '', undefined, null, Number.POSITIVE_INFINITY, true, '0x10']) expect(value(bad)).toBeUndefined();
  });

  test('numericText', () => {
    expect(numericText('.5')).toBe('0.5');
    expect(numericText('1e999')).toBeUndefined();
  });
});

describe('helpers', () => {
  test('ruleIndexOf takes the first listed rule the match satisfies (by id or name)', () => {
    expect(ruleIndexOf(distinct, ['uuid-of-r2', 'r2'])).toBe(1);
    expect(ruleIndexOf(distinct, ['r2', 'r1'])).toBe(0);
  });

  test('resolveFieldName falls back to the name itself when no alias applies', () => {
    expect(resolveFieldName(aliased, 0, 'internal_ip')).toBe('destination.ip');
    expect(resolveFieldName(aliased, 0, 'Host')).toBe('Host');
  });

  test('scalarText and groupKeyOf', () => {
    expect(scalarText(false)).toBe('false');
    expect(scalarText(0)).toBe('0');
    expect(groupKeyOf(['a', 'b|c'])).toBe('["a","b|c"]');
    expect(groupKeyOf(['a|b', 'c'])).not.toBe(groupKeyOf(['a', 'b|c']));
  });
});
