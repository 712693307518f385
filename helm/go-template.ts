// A small renderer for the subset of Go text/template + Sprig that the Watchfloor chart uses, so
// the chart can be rendered and checked where no Helm binary exists. It follows Go's rules where
// they can bite: `{{-`/`-}}` trimming, block scoping of variables, ints and floats not comparing
// (values are float64 in Helm, literals and len/int/add/mul are ints), floats printed as Go's %v
// does (1e+06), and an error when a field is read from nothing. Anything outside the subset is an
// error naming it, never a silent guess.
import crypto from 'node:crypto';
import YAML from 'yaml';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Raised by the template's own `fail` / `required`: the chart refusing its values. */
export class TemplateFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateFailure';
  }
}

// ---- lexing ---------------------------------------------------------------------------------

type Piece = { kind: 'text'; text: string } | { kind: 'action'; body: string; file: string; line: number };

/** Splits a template into text and actions, applying the trim markers. */
export function splitActions(source: string, file: string): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      break;
    }
    const line = source.slice(0, open).split('\n').length;
    let start = open + 2;
    if (source.startsWith('- ', start) || source.startsWith('-\n', start) || source.startsWith('-\t', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    pieces.push({ kind: 'text', text });
    let end: number;
    const afterSpace = source.slice(start).match(/^\s*/)![0].length;
    if (source.startsWith('/*', start + afterSpace)) {
      const close = source.indexOf('*/', start + afterSpace + 2);
      if (close === -1) throw new TemplateError(`${file}:${line}: unclosed comment`);
      end = source.indexOf('}}', close + 2);
      if (end === -1 || source.slice(close + 2, end).trim() !== '' && source.slice(close + 2, end).trim() !== '-') {
        throw new TemplateError(`${file}:${line}: a comment must end with */}} or */ -}}`);
      }
      trimNext = source.slice(close + 2, end).trim() === '-';
      pos = end + 2;
      continue;
    }
    end = findClose(source, start, file, line);
    let body = source.slice(start, end);
    trimNext = false;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    pieces.push({ kind: 'action', body: body.trim(), file, line });
    pos = end + 2;
  }
  return pieces;
}

/** The `}}` closing an action, skipping quoted strings. */
function findClose(source: string, from: number, file: string, line: number): number {
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"') {
      i++;
      while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
    } else if (ch === '`') {
      i = source.indexOf('`', i + 1);
      if (i === -1) break;
    } else if (source.startsWith('}}', i)) {
      return i;
    } else if (source.startsWith('{{', i)) {
      break;
    }
    i++;
  }
  throw new TemplateError(`${file}:${line}: unclosed action (no matching }})`);
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'ident'; v: string }
  | { t: 'var'; v: string }
  | { t: 'field'; v: string; chained: boolean }
  | { t: 'dot' }
  | { t: '(' | ')' | '|' | ',' | ':=' | '=' };

function tokenize(body: string, where: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let prevAttached = false; // the previous token can take a chained .field
  while (i < body.length) {
    const ch = body[i];
    if (/\s/.test(ch)) {
      i++;
      prevAttached = false;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < body.length && body[j] !== '"') {
        if (body[j] === '\\') {
          const e = body[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === '"' ? '"' : e === '\\' ? '\\' : (() => {
            throw new TemplateError(`${where}: unsupported escape \\${e}`);
          })();
          j += 2;
        } else s += body[j++];
      }
      if (j >= body.length) throw new TemplateError(`${where}: unterminated string`);
      out.push({ t: 'str', v: s });
      i = j + 1;
      prevAttached = false;
      continue;
    }
    if (ch === '`') {
      const j = body.indexOf('`', i + 1);
      if (j === -1) throw new TemplateError(`${where}: unterminated raw string`);
      out.push({ t: 'str', v: body.slice(i + 1, j) });
      i = j + 1;
      prevAttached = false;
      continue;
    }
    if (ch === ':' && body[i + 1] === '=') {
      out.push({ t: ':=' });
      i += 2;
      prevAttached = false;
      continue;
    }
    if ('()|,='.includes(ch)) {
      out.push({ t: ch as '(' });
      i++;
      prevAttached = ch === ')';
      continue;
    }
    if (ch === '$') {
      const m = body.slice(i + 1).match(/^[A-Za-z0-9_]*/)![0];
      out.push({ t: 'var', v: '$' + m });
      i += 1 + m.length;
      prevAttached = true;
      continue;
    }
    if (ch === '.') {
      const m = body.slice(i + 1).match(/^[A-Za-z_][A-Za-z0-9_]*/);
      if (!m) {
        if (prevAttached) throw new TemplateError(`${where}: unexpected "." after a value`);
        out.push({ t: 'dot' });
        i++;
        prevAttached = false;
        continue;
      }
      out.push({ t: 'field', v: m[0], chained: prevAttached });
      i += 1 + m[0].length;
      prevAttached = true;
      continue;
    }
    const num = body.slice(i).match(/^-?[0-9]+(\.[0-9]+)?/);
    if (num) {
      out.push(num[1] ? { t: 'float', v: Number(num[0]) } : { t: 'int', v: BigInt(num[0]) });
      i += num[0].length;
      prevAttached = false;
      continue;
    }
    const id = body.slice(i).match(/^[A-Za-z_][A-Za-z0-9_]*/);
    if (id) {
      out.push({ t: 'ident', v: id[0] });
      i += id[0].length;
      prevAttached = false;
      continue;
    }
    throw new TemplateError(`${where}: unexpected character "${ch}"`);
  }
  return out;
}

// ---- parsing --------------------------------------------------------------------------------

type Expr =
  | { k: 'lit'; v: unknown }
  | { k: 'dot' }
  | { k: 'var'; name: string }
  | { k: 'func'; name: string }
  | { k: 'field'; base: Expr; name: string }
  | { k: 'sub'; pipe: Pipeline };
type Command = { args: Expr[] };
type Pipeline = { decl?: { vars: string[]; assign: boolean }; cmds: Command[]; where: string };

type Node =
  | { k: 'text'; text: string }
  | { k: 'out'; pipe: Pipeline }
  | { k: 'if'; branches: { cond: Pipeline; body: Node[] }[]; otherwise: Node[] }
  | { k: 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] }
  | { k: 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[] }
  | { k: 'template'; name: string; pipe?: Pipeline; where: string };

class TokenStream {
  i = 0;
  constructor(readonly toks: Token[], readonly where: string) {}
  peek(): Token | undefined {
    return this.toks[this.i];
  }
  next(): Token {
    const t = this.toks[this.i++];
    if (!t) throw new TemplateError(`${this.where}: unexpected end of action`);
    return t;
  }
}

function parsePipeline(ts: TokenStream, inParens = false): Pipeline {
  const pipe: Pipeline = { cmds: [], where: ts.where };
  // Declarations: $a := ..., $a, $b := ..., $a = ...
  const start = ts.i;
  const vars: string[] = [];
  while (ts.peek()?.t === 'var') {
    vars.push((ts.next() as { v: string }).v);
    if (ts.peek()?.t === ',') {
      ts.next();
      continue;
    }
    break;
  }
  const op = ts.peek();
  if (vars.length && op && (op.t === ':=' || op.t === '=')) {
    ts.next();
    pipe.decl = { vars, assign: op.t === '=' };
  } else ts.i = start;
  for (;;) {
    const args: Expr[] = [];
    for (;;) {
      const t = ts.peek();
      if (!t || t.t === '|' || t.t === ')') break;
      args.push(parseOperand(ts));
    }
    if (!args.length) throw new TemplateError(`${ts.where}: empty command in pipeline`);
    pipe.cmds.push({ args });
    const t = ts.peek();
    if (t?.t === '|') {
      ts.next();
      continue;
    }
    if (t?.t === ')' && !inParens) throw new TemplateError(`${ts.where}: unexpected ")"`);
    break;
  }
  return pipe;
}

function parseOperand(ts: TokenStream): Expr {
  const t = ts.next();
  let e: Expr;
  switch (t.t) {
    case 'str':
    case 'int':
    case 'float':
      e = { k: 'lit', v: t.v };
      break;
    case 'dot':
      e = { k: 'dot' };
      break;
    case 'field':
      e = { k: 'field', base: { k: 'dot' }, name: t.v };
      break;
    case 'var':
      e = { k: 'var', name: t.v };
      break;
    case 'ident':
      e = t.v === 'true' || t.v === 'false' ? { k: 'lit', v: t.v === 'true' } : t.v === 'nil' ? { k: 'lit', v: null } : { k: 'func', name: t.v };
      break;
    case '(': {
      const pipe = parsePipeline(ts, true);
      if (ts.next().t !== ')') throw new TemplateError(`${ts.where}: expected ")"`);
      e = { k: 'sub', pipe };
      break;
    }
    default:
      throw new TemplateError(`${ts.where}: unexpected "${t.t}"`);
  }
  for (let n = ts.peek(); n?.t === 'field' && n.chained; n = ts.peek()) {
    ts.next();
    e = { k: 'field', base: e, name: n.v };
  }
  return e;
}

type Frame = { kind: 'root' | 'if' | 'range' | 'with' | 'define'; nodes: Node[]; node?: Node; name?: string; where: string; inElse?: boolean };

/** Parses one file; `define`d templates go to `defines`. Unbalanced blocks are errors with their line. */
export function parseTemplate(source: string, file: string, defines: Map<string, Node[]>): Node[] {
  const root: Frame = { kind: 'root', nodes: [], where: file };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1];
  for (const piece of splitActions(source, file)) {
    if (piece.kind === 'text') {
      if (piece.text) top().nodes.push({ k: 'text', text: piece.text });
      continue;
    }
    const where = `${piece.file}:${piece.line}`;
    const toks = tokenize(piece.body, where);
    const ts = new TokenStream(toks, where);
    const head = toks[0];
    const keyword = head?.t === 'ident' ? head.v : undefined;
    if (keyword === 'if' || keyword === 'range' || keyword === 'with') {
      ts.next();
      const pipe = parsePipeline(ts);
      if (ts.peek()) throw new TemplateError(`${where}: unexpected tokens after ${keyword}`);
      const body: Node[] = [];
      const node: Node =
        keyword === 'if' ? { k: 'if', branches: [{ cond: pipe, body }], otherwise: [] } : { k: keyword, pipe, body, otherwise: [] };
      top().nodes.push(node);
      stack.push({ kind: keyword, nodes: body, node, where });
    } else if (keyword === 'else') {
      const frame = top();
      if (frame.kind !== 'if' && frame.kind !== 'range' && frame.kind !== 'with') throw new TemplateError(`${where}: else outside if/range/with`);
      if (frame.inElse) throw new TemplateError(`${where}: a second else in one block`);
      ts.next();
      const node = frame.node as Extract<Node, { otherwise: Node[] }>;
      if (ts.peek()?.t === 'ident' && (ts.peek() as { v: string }).v === 'if') {
        if (frame.kind !== 'if') throw new TemplateError(`${where}: else if inside ${frame.kind}`);
        ts.next();
        const cond = parsePipeline(ts);
        const body: Node[] = [];
        (node as Extract<Node, { k: 'if' }>).branches.push({ cond, body });
        frame.nodes = body;
      } else {
        if (ts.peek()) throw new TemplateError(`${where}: unsupported else form`);
        frame.nodes = node.otherwise;
        frame.inElse = true;
      }
    } else if (keyword === 'end') {
      if (toks.length !== 1) throw new TemplateError(`${where}: unexpected tokens after end`);
      const frame = stack.pop()!;
      if (frame.kind === 'root') throw new TemplateError(`${where}: end without a matching if/range/with/define`);
      if (frame.kind === 'define') defines.set(frame.name!, frame.nodes);
    } else if (keyword === 'define') {
      ts.next();
      const name = ts.next();
      if (name.t !== 'str' || ts.peek()) throw new TemplateError(`${where}: define takes one quoted name`);
      if (stack.length !== 1) throw new TemplateError(`${where}: define inside a block`);
      if (defines.has(name.v)) throw new TemplateError(`${where}: template "${name.v}" defined twice`);
      stack.push({ kind: 'define', nodes: [], name: name.v, where });
    } else if (keyword === 'template') {
      ts.next();
      const name = ts.next();
      if (name.t !== 'str') throw new TemplateError(`${where}: template takes a quoted name`);
      const pipe = ts.peek() ? parsePipeline(ts) : undefined;
      top().nodes.push({ k: 'template', name: name.v, pipe, where });
    } else if (keyword === 'block' || keyword === 'break' || keyword === 'continue') {
      throw new TemplateError(`${where}: "${keyword}" is outside the supported subset`);
    } else {
      const pipe = parsePipeline(ts);
      if (ts.peek()) throw new TemplateError(`${where}: unexpected "${ts.peek()!.t}"`);
      top().nodes.push({ k: 'out', pipe });
    }
  }
  if (stack.length !== 1) {
    const open = top();
    throw new TemplateError(`${open.where}: "${open.kind}" is never closed with end`);
  }
  return root.nodes;
}

// ---- values ---------------------------------------------------------------------------------

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go template truth: false, 0, nil, empty string/list/map are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** Go's %v for a float64: shortest digits, exponent form from 1e+06 up and below 1e-04. */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  const [mant, expPart] = n.toExponential().split('e');
  const exp = Number(expPart);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** fmt.Sprint of one value, as templates print it. */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isDict(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  throw new TemplateError(`cannot print ${typeof v}`);
}

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

function toInt(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = v.trim().replace(/\.0*$/, '');
    if (/^-?[0-9]+$/.test(s)) return BigInt(s);
    return 0n; // Sprig's toInt yields 0 for what it cannot parse.
  }
  if (v === null || v === undefined) return 0n;
  throw new TemplateError(`${where}: int of ${typeof v}`);
}

type Kind = 'int' | 'float' | 'string' | 'bool' | 'nil' | 'other';
function kindOf(v: unknown): Kind {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined) return 'nil';
  return 'other';
}

function goEq(a: unknown, b: unknown, where: string): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'nil' || kb === 'nil') return ka === kb;
  if (ka !== kb) throw new TemplateError(`${where}: incompatible types for comparison (${ka} and ${kb})`);
  if (ka === 'other') throw new TemplateError(`${where}: eq of a list or map`);
  return a === b;
}

function goLess(a: unknown, b: unknown, where: string): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb || !['int', 'float', 'string'].includes(ka)) throw new TemplateError(`${where}: incompatible types for comparison (${ka} and ${kb})`);
  return (a as number) < (b as number);
}

/** mergo with override, as Sprig's mergeOverwrite: a source's empty values do not overwrite. */
function mergeOverwrite(dst: Dict, src: Dict): Dict {
  for (const [k, v] of Object.entries(src)) {
    if (isDict(v) && isDict(dst[k])) mergeOverwrite(dst[k] as Dict, v);
    else if (truthy(v) || !(k in dst)) dst[k] = structuredClone(v);
  }
  return dst;
}

function yamlOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const text = YAML.stringify(normalizeForYaml(v), { sortMapEntries: true, indentSeq: false, lineWidth: 0, minContentWidth: 0 });
  return text.replace(/\n$/, '');
}

function normalizeForYaml(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(normalizeForYaml);
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeForYaml(x)]));
  return v;
}

function printf(format: string, args: unknown[], where: string): string {
  let n = 0;
  return format.replace(/%([%sdqv])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    if (verb === 'd') {
      if (typeof a !== 'bigint') return `%!d(${kindOf(a)}=${goString(a)})`;
      return a.toString();
    }
    if (verb === 'q') {
      if (typeof a !== 'string') throw new TemplateError(`${where}: %q of a ${kindOf(a)}`);
      return goQuote(a);
    }
    if (verb === 's' && typeof a !== 'string') return `%!s(${kindOf(a)}=${goString(a)})`;
    return goString(a);
  });
}

// ---- execution ------------------------------------------------------------------------------

class Scope {
  private readonly vars = new Map<string, unknown>();
  constructor(readonly parent?: Scope) {}
  declare(name: string, v: unknown): void {
    this.vars.set(name, v);
  }
  assign(name: string, v: unknown, where: string): void {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.vars.has(name)) {
        s.vars.set(name, v);
        return;
      }
    }
    throw new TemplateError(`${where}: assignment to undeclared variable ${name}`);
  }
  get(name: string, where: string): unknown {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
    throw new TemplateError(`${where}: undefined variable ${name}`);
  }
}

export class TemplateSet {
  readonly defines = new Map<string, Node[]>();
  private depth = 0;

  /** Adds a file: its defines, and its whole body as a template named by its path. */
  add(name: string, source: string): void {
    const body = parseTemplate(source, name, this.defines);
    if (this.defines.has(name)) throw new TemplateError(`template "${name}" added twice`);
    this.defines.set(name, body);
  }

  render(name: string, data: unknown): string {
    const body = this.defines.get(name);
    if (!body) throw new TemplateError(`no template named "${name}"`);
    if (++this.depth > 100) throw new TemplateError(`template "${name}": include nested too deeply`);
    try {
      const scope = new Scope();
      scope.declare('$', data);
      return this.exec(body, data, scope);
    } finally {
      this.depth--;
    }
  }

  private exec(nodes: Node[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.k) {
        case 'text':
          out += node.text;
          break;
        case 'out': {
          const v = this.pipeline(node.pipe, dot, scope);
          if (!node.pipe.decl) {
            if (Array.isArray(v) || isDict(v)) throw new TemplateError(`${node.pipe.where}: printing a ${Array.isArray(v) ? 'list' : 'map'} (use toYaml)`);
            out += goString(v);
          }
          break;
        }
        case 'if': {
          const branch = node.branches.find((b) => truthy(this.pipeline(b.cond, dot, scope)));
          if (branch) out += this.exec(branch.body, dot, new Scope(scope));
          else out += this.exec(node.otherwise, dot, new Scope(scope));
          break;
        }
        case 'with': {
          const inner = new Scope(scope);
          const v = this.pipeline(node.pipe, dot, inner);
          out += truthy(v) ? this.exec(node.body, v, inner) : this.exec(node.otherwise, dot, new Scope(scope));
          break;
        }
        case 'range': {
          const decl = node.pipe.decl;
          const pipe: Pipeline = { ...node.pipe, decl: undefined };
          const v = this.pipeline(pipe, dot, scope);
          const entries: [unknown, unknown][] = Array.isArray(v)
            ? v.map((x, i) => [BigInt(i), x])
            : isDict(v)
              ? Object.keys(v).sort().map((k) => [k, v[k]])
              : v === null || v === undefined
                ? []
                : (() => {
                    throw new TemplateError(`${node.pipe.where}: range over ${kindOf(v)}`);
                  })();
          if (!entries.length) {
            out += this.exec(node.otherwise, dot, new Scope(scope));
            break;
          }
          for (const [key, item] of entries) {
            const inner = new Scope(scope);
            if (decl?.vars.length === 1) inner.declare(decl.vars[0], item);
            if (decl?.vars.length === 2) {
              inner.declare(decl.vars[0], key);
              inner.declare(decl.vars[1], item);
            }
            out += this.exec(node.body, item, inner);
          }
          break;
        }
        case 'template': {
          const data = node.pipe ? this.pipeline(node.pipe, dot, scope) : null;
          out += this.render(node.name, data);
          break;
        }
      }
    }
    return out;
  }

  private pipeline(pipe: Pipeline, dot: unknown, scope: Scope): unknown {
    let value: unknown;
    let piped = false;
    for (const cmd of pipe.cmds) {
      value = this.command(cmd, dot, scope, pipe.where, piped ? [value] : []);
      piped = true;
    }
    if (pipe.decl) {
      if (pipe.decl.vars.length !== 1) throw new TemplateError(`${pipe.where}: two variables outside range`);
      if (pipe.decl.assign) scope.assign(pipe.decl.vars[0], value, pipe.where);
      else scope.declare(pipe.decl.vars[0], value);
    }
    return value;
  }

  private command(cmd: Command, dot: unknown, scope: Scope, where: string, pipedIn: unknown[]): unknown {
    const [head, ...rest] = cmd.args;
    if (head.k === 'func') {
      if (head.name === 'and' || head.name === 'or') {
        const thunks = [...rest.map((a) => () => this.expr(a, dot, scope, where)), ...pipedIn.map((v) => () => v)];
        let last: unknown;
        for (const t of thunks) {
          last = t();
          if (head.name === 'and' ? !truthy(last) : truthy(last)) return last;
        }
        return last;
      }
      const args = [...rest.map((a) => this.expr(a, dot, scope, where)), ...pipedIn];
      return this.call(head.name, args, where);
    }
    if (rest.length || pipedIn.length) throw new TemplateError(`${where}: can't give arguments to a non-function`);
    return this.expr(head, dot, scope, where);
  }

  private expr(e: Expr, dot: unknown, scope: Scope, where: string): unknown {
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'dot':
        return dot;
      case 'var':
        return scope.get(e.name, where);
      case 'func':
        return this.call(e.name, [], where);
      case 'sub':
        return this.pipeline(e.pipe, dot, scope);
      case 'field': {
        const base = this.expr(e.base, dot, scope, where);
        if (!isDict(base)) throw new TemplateError(`${where}: nil pointer evaluating .${e.name} (reading a field of ${kindOf(base)})`);
        return base[e.name] ?? null;
      }
    }
  }

  private call(name: string, args: unknown[], where: string): unknown {
    const arity = (n: number) => {
      if (args.length !== n) throw new TemplateError(`${where}: ${name} wants ${n} argument(s), got ${args.length}`);
    };
    const str = (v: unknown) => {
      if (typeof v !== 'string') throw new TemplateError(`${where}: ${name} wants a string, got ${kindOf(v)}`);
      return v;
    };
    switch (name) {
      case 'include':
        arity(2);
        return this.render(str(args[0]), args[1]);
      case 'fail':
        arity(1);
        throw new TemplateFailure(String(args[0]));
      case 'required':
        arity(2);
        if (!truthy(args[1])) throw new TemplateFailure(String(args[0]));
        return args[1];
      case 'default':
        arity(2);
        return truthy(args[1]) ? args[1] : args[0];
      case 'empty':
        arity(1);
        return !truthy(args[0]);
      case 'not':
        arity(1);
        return !truthy(args[0]);
      case 'eq':
        if (args.length < 2) arity(2);
        return args.slice(1).some((b) => goEq(args[0], b, where));
      case 'ne':
        arity(2);
        return !goEq(args[0], args[1], where);
      case 'lt':
        arity(2);
        return goLess(args[0], args[1], where);
      case 'gt':
        arity(2);
        return goLess(args[1], args[0], where);
      case 'le':
        arity(2);
        return !goLess(args[1], args[0], where);
      case 'ge':
        arity(2);
        return !goLess(args[0], args[1], where);
      case 'len':
        arity(1);
        if (typeof args[0] === 'string' || Array.isArray(args[0])) return BigInt((args[0] as string).length);
        if (isDict(args[0])) return BigInt(Object.keys(args[0]).length);
        throw new TemplateError(`${where}: len of ${kindOf(args[0])}`);
      case 'int':
        arity(1);
        return toInt(args[0], where);
      case 'add':
        return args.reduce<bigint>((s, v) => s + toInt(v, where), 0n);
      case 'mul':
        return args.reduce<bigint>((s, v) => s * toInt(v, where), 1n);
      case 'quote':
        return args.map((a) => goQuote(goString(a))).join(' ');
      case 'toString':
        arity(1);
        return goString(args[0]);
      case 'print': {
        let out = '';
        args.forEach((a, i) => {
          if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
          out += goString(a);
        });
        return out;
      }
      case 'printf':
        if (!args.length) arity(1);
        return printf(str(args[0]), args.slice(1), where);
      case 'trunc': {
        arity(2);
        const n = Number(toInt(args[0], where));
        const s = str(args[1]);
        return n >= 0 ? s.slice(0, n) : s.slice(n);
      }
      case 'trimSuffix':
        arity(2);
        return str(args[1]).endsWith(str(args[0])) ? str(args[1]).slice(0, -str(args[0]).length || undefined) : args[1];
      case 'hasPrefix':
        arity(2);
        return str(args[1]).startsWith(str(args[0]));
      case 'contains':
        arity(2);
        return str(args[1]).includes(str(args[0]));
      case 'replace':
        arity(3);
        return str(args[2]).split(str(args[0])).join(str(args[1]));
      case 'indent':
      case 'nindent': {
        arity(2);
        const pad = ' '.repeat(Number(toInt(args[0], where)));
        const text = pad + str(args[1]).replace(/\n/g, '\n' + pad);
        return name === 'nindent' ? '\n' + text : text;
      }
      case 'toYaml':
        arity(1);
        return yamlOf(args[0]);
      case 'fromYaml': {
        arity(1);
        const parsed = YAML.parse(str(args[0])) as unknown;
        return isDict(parsed) ? parsed : {};
      }
      case 'sha256sum':
        arity(1);
        return crypto.createHash('sha256').update(str(args[0])).digest('hex');
      case 'b64enc':
        arity(1);
        return Buffer.from(str(args[0])).toString('base64');
      case 'list':
        return [...args];
      case 'dict': {
        if (args.length % 2) throw new TemplateError(`${where}: dict wants key/value pairs`);
        const d: Dict = {};
        for (let i = 0; i < args.length; i += 2) d[goString(args[i])] = args[i + 1];
        return d;
      }
      case 'set':
        arity(3);
        if (!isDict(args[0])) throw new TemplateError(`${where}: set on ${kindOf(args[0])}`);
        (args[0] as Dict)[str(args[1])] = args[2];
        return args[0];
      case 'hasKey':
        arity(2);
        if (!isDict(args[0])) throw new TemplateError(`${where}: hasKey on ${kindOf(args[0])}`);
        return Object.prototype.hasOwnProperty.call(args[0], str(args[1]));
      case 'has':
        arity(2);
        if (!Array.isArray(args[1])) throw new TemplateError(`${where}: has wants a list`);
        return args[1].some((x) => x === args[0]);
      case 'index': {
        let v = args[0];
        for (const key of args.slice(1)) {
          if (Array.isArray(v)) v = v[Number(toInt(key, where))];
          else if (isDict(v)) v = v[str(key)] ?? null;
          else throw new TemplateError(`${where}: index of ${kindOf(v)}`);
        }
        return v;
      }
      case 'join':
        arity(2);
        if (!Array.isArray(args[1])) throw new TemplateError(`${where}: join wants a list`);
        return args[1].map(goString).join(str(args[0]));
      case 'splitList':
        arity(2);
        return str(args[1]).split(str(args[0]));
      case 'deepCopy':
        arity(1);
        return structuredClone(args[0]);
      case 'mergeOverwrite': {
        if (!args.every(isDict)) throw new TemplateError(`${where}: mergeOverwrite wants maps`);
        const [dst, ...srcs] = args as Dict[];
        for (const s of srcs) mergeOverwrite(dst, s);
        return dst;
      }
      default:
        throw new TemplateError(`${where}: function "${name}" is outside the supported subset`);
    }
  }
}
