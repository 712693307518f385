// Sigma condition language: a tokenizer and a recursive-descent parser.
//
//   expr    := and ('or' and)*                  precedence, least to most binding:
//   and     := not ('and' not)*                   or < and < not < x of < ( )
//   not     := 'not' not | primary
//   primary := '(' expr ')' | quant 'of' (pattern | 'them') | identifier
//   quant   := '1' | 'all'
//
// Operators are matched case-insensitively. Legacy aggregations (`| count() by x > 5`, `near`)
// are refused with their own reason: they belong in correlation rules since Sigma 2.

export type ConditionNode =
  | { t: 'id'; name: string }
  | { t: 'of'; all: boolean; pattern: string | null } // null pattern = `them`
  | { t: 'and'; items: ConditionNode[] }
  | { t: 'or'; items: ConditionNode[] }
  | { t: 'not'; item: ConditionNode };

type Token =
  | { k: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'of' | 'them' | 'eof'; pos: number }
  | { k: 'word'; v: string; pos: number };

export class ConditionError extends Error {}

export const LEGACY_AGGREGATION = 'legacy aggregation syntax';

const WORD = /[A-Za-z0-9_*.\-]/;

export function tokenizeCondition(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      tokens.push({ k: 'lparen', pos: i++ });
    } else if (c === ')') {
      tokens.push({ k: 'rparen', pos: i++ });
    } else if (c === '|') {
      throw new ConditionError(
        `${LEGACY_AGGREGATION}: '|' at position ${i} (aggregations such as '| count() by' must be ported to a Sigma correlation rule)`,
      );
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i])) i++;
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      if (lower === 'and' || lower === 'or' || lower === 'not' || lower === 'of' || lower === 'them') {
        tokens.push({ k: lower, pos: start });
      } else if (lower === 'near' || ((lower === 'count' || lower === 'min' || lower === 'max' || lower === 'avg' || lower === 'sum') && text[i] === '(')) {
        throw new ConditionError(`${LEGACY_AGGREGATION}: '${word}' at position ${start} (port it to a Sigma correlation rule)`);
      } else {
        tokens.push({ k: 'word', v: word, pos: start });
      }
    } else {
      throw new ConditionError(`unexpected character '${c}' at position ${i}`);
    }
  }
  tokens.push({ k: 'eof', pos: text.length });
  return tokens;
}

export function parseCondition(text: string): ConditionNode {
  const tokens = tokenizeCondition(text);
  let p = 0;
  const peek = (): Token => tokens[p];
  const describe = (t: Token): string => (t.k === 'word' ? `'${t.v}'` : t.k === 'eof' ? 'end of condition' : `'${t.k === 'lparen' ? '(' : t.k === 'rparen' ? ')' : t.k}'`);

  function parseOr(): ConditionNode {
    const items = [parseAnd()];
    while (peek().k === 'or') {
      p++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { t: 'or', items };
  }
  function parseAnd(): ConditionNode {
    const items = [parseNot()];
    while (peek().k === 'and') {
      p++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0] : { t: 'and', items };
  }
  function parseNot(): ConditionNode {
    if (peek().k === 'not') {
      p++;
      return { t: 'not', item: parseNot() };
    }
    return parsePrimary();
  }
  function parsePrimary(): ConditionNode {
    const tok = peek();
    if (tok.k === 'lparen') {
      p++;
      const inner = parseOr();
      const close = peek();
      if (close.k !== 'rparen') throw new ConditionError(`expected ')' at position ${close.pos}, found ${describe(close)}`);
      p++;
      return inner;
    }
    if (tok.k === 'word') {
      const next = tokens[p + 1];
      if (next.k === 'of') {
        const q = tok.v.toLowerCase();
        if (q !== '1' && q !== 'all') {
          if (q === 'any') throw new ConditionError(`'any of' at position ${tok.pos} is not part of Sigma v2.1 (use '1 of')`);
          throw new ConditionError(`unsupported quantifier '${tok.v} of' at position ${tok.pos} (Sigma defines only '1 of' and 'all of')`);
        }
        p += 2;
        const target = peek();
        if (target.k === 'them') {
          p++;
          return { t: 'of', all: q === 'all', pattern: null };
        }
        if (target.k === 'word') {
          p++;
          return { t: 'of', all: q === 'all', pattern: target.v };
        }
        throw new ConditionError(`expected a search-identifier pattern or 'them' after '${tok.v} of', found ${describe(target)}`);
      }
      if (tok.v.includes('*')) throw new ConditionError(`wildcard identifier '${tok.v}' needs '1 of' or 'all of'`);
      p++;
      return { t: 'id', name: tok.v };
    }
    throw new ConditionError(`unexpected ${describe(tok)} at position ${tok.pos}`);
  }

  const root = parseOr();
  const rest = peek();
  if (rest.k !== 'eof') throw new ConditionError(`unexpected ${describe(rest)} at position ${rest.pos}`);
  return root;
}

function patternRegex(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('.*') + '$');
}

/** The search identifiers a `x of` node covers, in declaration order. */
export function identifiersFor(node: { pattern: string | null }, identifiers: string[]): string[] {
  if (node.pattern === null) return identifiers.filter((n) => !n.startsWith('_'));
  const re = patternRegex(node.pattern);
  return identifiers.filter((n) => re.test(n));
}

/** Checks that every identifier exists and every pattern matches one; returns a reason or null. */
export function validateCondition(node: ConditionNode, identifiers: string[]): string | null {
  switch (node.t) {
    case 'id':
      return identifiers.includes(node.name) ? null : `condition references unknown search identifier '${node.name}'`;
    case 'of':
      return identifiersFor(node, identifiers).length > 0
        ? null
        : node.pattern === null
          ? "'them' covers no search identifier"
          : `pattern '${node.pattern}' matches no search identifier`;
    case 'not':
      return validateCondition(node.item, identifiers);
    case 'and':
    case 'or':
      for (const item of node.items) {
        const r = validateCondition(item, identifiers);
        if (r) return r;
      }
      return null;
  }
}
