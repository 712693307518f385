import fc from 'fast-check';
import { base64OffsetVariants, buildFieldSpec, timePartOf, translateRegex } from './field-spec';
import { eventLogsource, logsourceMatches, logsourceMatchesNormalized, ruleLogsourceKey } from './logsource';
import { matchSegments, parseSigmaString } from './sigma-string';

describe('base64offset', () => {
  test('the three variants of "http://" (as documented for Sigma)', () => {
    expect(base64OffsetVariants(Buffer.from('http://'))).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  });

  test('some variant occurs in the base64 of any text containing the value (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 3, maxLength: 20 }), fc.uint8Array({ maxLength: 8 }), (pre, data, post) => {
        const whole = Buffer.concat([Buffer.from(pre), Buffer.from(data), Buffer.from(post)]).toString('base64');
        const variants = base64OffsetVariants(Buffer.from(data));
        return variants.every((v) => !v.includes('=')) && variants.some((v) => whole.includes(v));
      }),
    );
  });
});

describe('Sigma strings', () => {
  test.each([
    ['a*b', 'aXYZb', true],
    ['a*b', 'ab', true],
    ['a?b', 'ab', false],
    ['*', '', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'aXb', false],
    ['a\\\\*', 'a\\xyz', true],
    ['a\\b', 'a\\b', true],
    ['**a', 'xxa', true],
  ])('%p matches %p: %p', (pattern, text, expected) => {
    expect(matchSegments(parseSigmaString(pattern, false), text)).toBe(expected);
  });

  test('placeholders are only recognised with expand', () => {
    expect(parseSigmaString('%x%', false)).toEqual([{ t: 'lit', s: '%x%' }]);
    expect(parseSigmaString('a%x%b', true)).toEqual([{ t: 'lit', s: 'a' }, { t: 'ph', name: 'x' }, { t: 'lit', s: 'b' }]);
    expect(parseSigmaString('100% sure', true)).toEqual([{ t: 'lit', s: '100% sure' }]);
  });
});

describe('regex translation', () => {
  test('leading inline flags become JS flags', () => {
    expect(translateRegex('(?i)abc', { i: false, m: false, s: false })).toEqual({ source: 'abc', flags: 'i' });
    expect(translateRegex('(?ms)a.b', { i: true, m: false, s: false })).toEqual({ source: 'a.b', flags: 'ims' });
  });
  test.each(['\\Qa.b\\E', 'a\\z', '(?P<n>a)', '(?>a)', '[[:alpha:]]', '(?x) a b'])('refuses %p', (re) => {
    expect(typeof translateRegex(re, { i: false, m: false, s: false })).toBe('string');
  });
  test.each(['\\d+\\.\\d+', '[:;]', '(?:a|b)', '(?=a)b', '(?<!a)b', '\\\\A'])('accepts %p', (re) => {
    expect(typeof translateRegex(re, { i: false, m: false, s: false })).toBe('object');
  });
});

describe('time parts', () => {
  test('read from text without time-zone conversion', () => {
    expect(timePartOf('2024-03-01T23:30:00-0600', 'hour')).toBe(23);
    expect(timePartOf('2024-03-01', 'hour')).toBe(0);
    expect(timePartOf('not a date', 'hour')).toBeNull();
    expect(timePartOf(0, 'year')).toBe(1970);
    expect(timePartOf(1521900000000, 'month')).toBe(3); // milliseconds
  });
});

describe('field spec building', () => {
  test('modifiers apply in the written order', () => {
    const a = buildFieldSpec('f', ['base64offset', 'contains'], 'abc');
    const b = buildFieldSpec('f', ['contains', 'base64offset'], 'abc');
    expect(a.ok).toBe(true);
    expect(b.ok).toBe(false);
  });
  test('expand multiplies values across placeholders', () => {
    const r = buildFieldSpec('f', ['expand'], '%a%-%b%', { a: ['1', '2'], b: ['x', 'y', 'z'] });
    expect(r.ok && r.spec.kind === 'values' && r.spec.groups[0].length).toBe(6);
  });
});

describe('logsource mapping', () => {
  test.each([
    [{ source_product: 'zeek', source_log: 'conn' }, { product: 'zeek', service: 'conn', categories: [] }],
    [{ source_product: 'Zeek', source_log: 'dns' }, { product: 'zeek', service: 'dns', categories: ['dns'] }],
    [{ source_product: 'zeek', source_log: 'notice' }, { product: 'zeek', service: 'notice', categories: ['ids'] }],
    [{ source_product: 'suricata', source_log: 'alert' }, { product: 'suricata', service: 'alert', categories: ['ids'] }],
    [{ source_product: 'suricata', source_log: 'dns' }, { product: 'suricata', service: 'dns', categories: ['dns'] }],
    [{ source_product: 'fortigate', source_log: 'traffic' }, { product: 'fortigate', service: 'traffic', categories: ['firewall'] }],
    [{ source_product: 'acme', source_log: 'cef' }, { product: 'acme', service: 'cef', categories: ['firewall'] }],
    [{ source_product: 'otmon', event_class: 'alert' }, { product: 'otmon', service: null, categories: ['ids'] }],
    [{ source_product: 'windows', category: ['process_creation'] }, { product: 'windows', service: null, categories: ['process_creation'] }],
    [{}, { product: null, service: null, categories: [] }],
  ])('%j → %j', (normalized, expected) => {
    expect(eventLogsource(normalized)).toEqual(expected);
  });

  test('every key the rule gives must agree', () => {
    const ev = eventLogsource({ source_product: 'zeek', source_log: 'dns' });
    expect(logsourceMatches(ruleLogsourceKey({ product: 'zeek', service: 'dns' }), ev)).toBe(true);
    expect(logsourceMatches(ruleLogsourceKey({ product: 'ZEEK' }), ev)).toBe(true);
    expect(logsourceMatches(ruleLogsourceKey({ category: 'dns' }), ev)).toBe(true);
    expect(logsourceMatches(ruleLogsourceKey({ product: 'zeek', service: 'conn' }), ev)).toBe(false);
    expect(logsourceMatches(ruleLogsourceKey({ product: 'windows', category: 'dns' }), ev)).toBe(false);
    expect(logsourceMatches(ruleLogsourceKey({ category: 'proxy' }), ev)).toBe(false);
    expect(logsourceMatches(ruleLogsourceKey({}), ev)).toBe(true);
  });

  test('the per-rule fast path agrees with the full derivation (property)', () => {
    const text = fc.constantFrom('zeek', 'Suricata', 'fortigate', 'windows', 'dns', 'alert', 'cef', 'notice', 'conn', 'ids', 'firewall', 'process_creation', '');
    const normalizedArb = fc.record(
      { source_product: text, source_log: text, event_class: text, category: fc.oneof(text, fc.array(text, { maxLength: 2 })) },
      { requiredKeys: [] },
    );
    const ruleArb = fc.record({ product: text, service: text, category: text }, { requiredKeys: [] });
    fc.assert(
      fc.property(ruleArb, normalizedArb, (ls, normalized) => {
        const key = ruleLogsourceKey(ls);
        return logsourceMatchesNormalized(key, normalized) === logsourceMatches(key, eventLogsource(normalized));
      }),
      { numRuns: 2000 },
    );
  });
});
