import { identifiersFor, parseCondition, tokenizeCondition, validateCondition } from './condition';

describe('condition parser', () => {
  test('precedence: or < and < not', () => {
    expect(parseCondition('a or not b and c')).toEqual({
      t: 'or',
      items: [{ t: 'id', name: 'a' }, { t: 'and', items: [{ t: 'not', item: { t: 'id', name: 'b' } }, { t: 'id', name: 'c' }] }],
    });
  });

  test('chains flatten into n-ary nodes', () => {
    expect(parseCondition('a and b and c')).toEqual({ t: 'and', items: ['a', 'b', 'c'].map((name) => ({ t: 'id', name })) });
  });

  test('parentheses and x of', () => {
    expect(parseCondition('(1 of sel_* or all of them) and not x')).toEqual({
      t: 'and',
      items: [
        { t: 'or', items: [{ t: 'of', all: false, pattern: 'sel_*' }, { t: 'of', all: true, pattern: null }] },
        { t: 'not', item: { t: 'id', name: 'x' } },
      ],
    });
  });

  test('identifiers may hold dots, dashes and digits', () => {
    expect(parseCondition('sel-1.a')).toEqual({ t: 'id', name: 'sel-1.a' });
  });

  test('tokenizer positions', () => {
    expect(tokenizeCondition(' a  (b)').map((t) => t.pos)).toEqual([1, 4, 5, 6, 7]);
  });

  test.each([
    ['', /unexpected end of condition/],
    ['a b', /unexpected 'b' at position 2/],
    ['a and or b', /unexpected 'or'/],
    ['(a', /expected '\)'/],
    ['a)', /unexpected '\)'/],
    ['1 of', /expected a search-identifier pattern/],
    ['3 of x*', /unsupported quantifier '3 of'/],
    ['not', /unexpected end/],
    ['a | count() > 5', /legacy aggregation syntax/],
    ['count(x) by y > 3', /legacy aggregation syntax/],
    ['a # b', /unexpected character '#'/],
  ])('rejects %p', (text, reason) => {
    expect(() => parseCondition(text)).toThrow(reason);
  });

  test('pattern resolution', () => {
    const names = ['selection', 'selection_x', 'filter_main_a', 'filter_optional_b', '_private'];
    expect(identifiersFor({ pattern: 'filter_*' }, names)).toEqual(['filter_main_a', 'filter_optional_b']);
    expect(identifiersFor({ pattern: 'sel*' }, names)).toEqual(['selection', 'selection_x']);
    expect(identifiersFor({ pattern: '*_a' }, names)).toEqual(['filter_main_a']);
    expect(identifiersFor({ pattern: 'selection.x' }, names)).toEqual([]); // '.' is literal, not regex
    expect(identifiersFor({ pattern: null }, names)).not.toContain('_private');
    expect(validateCondition(parseCondition('1 of nothing*'), names)).toMatch(/matches no search identifier/);
    expect(validateCondition(parseCondition('selection and not 1 of filter_*'), names)).toBeNull();
  });
});
