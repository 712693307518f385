// Turns one detection map entry (`Field|mod1|mod2: value(s)`) or a keyword list into a
// FieldSpec: the field, and for each listed value the OR-group of patterns it stands for after
// the value modifiers (applied in the order written, as the rules spec says). Both the compiler
// and the naive interpreter start from here; anything not honoured becomes a refusal reason.

import { findUnsafeRegexShape } from './regex-safety';
import { parseCidr, type CidrBlock } from '../ip-address';
import { hasWildcards, literalOf, lowerSegments, normalizeSegments, parseSigmaString, type Segment } from './sigma-string';

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export type ValuePattern =
  | { kind: 'str'; segs: Segment[]; cased: boolean } // segs already lower-cased unless cased
  | { kind: 're'; source: string; flags: string }
  | { kind: 'num'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'cidr'; net: CidrBlock; text: string }
  | { kind: 'cmp'; op: CompareOp; value: number };

export type FieldSpec =
  | {
      kind: 'values';
      field: string | null; // null: keyword search over the whole raw record
      modifiers: string[];
      groups: ValuePattern[][]; // one OR-group per listed value
      combine: 'any' | 'all';
      negate: boolean; // neq: NOT (field matches one of the values); a missing field is different
      timePart: TimePart | null;
    }
  | { kind: 'null'; field: string }
  | { kind: 'exists'; field: string; value: boolean }
  | { kind: 'fieldref'; field: string; refs: string[]; combine: 'any' | 'all'; negate: boolean; cased: boolean };

export type SpecResult = { ok: true; spec: FieldSpec } | { ok: false; reason: string };

const TRANSFORMS = new Set(['contains', 'startswith', 'endswith', 'windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'expand']);
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const FLAGS = new Set(['all', 'cased', 'neq', 're', 'cidr', 'exists', 'fieldref']);
const RE_SUB = new Set(['i', 'm', 's']);
const KEYWORD_OK = new Set(['all', 'cased', 'contains', 'startswith', 'endswith', 'windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'expand', 're', 'i', 'm', 's']);
const WINDASH = '-/\u2013\u2014\u2015';
const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function numericValue(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const t = v.trim();
    return NUMERIC_TEXT.test(t) ? Number(t) : null;
  }
  return null;
}

interface Alt {
  segs: Segment[];
  bin: boolean; // literal text is a byte string (one char per byte) after a utf16 encoding
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function encodeUtf16(text: string, order: 'le' | 'be', bom: boolean): string {
  let out = bom ? (order === 'le' ? '\xff\xfe' : '\xfe\xff') : '';
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    const hi = String.fromCharCode(u >> 8);
    const lo = String.fromCharCode(u & 0xff);
    out += order === 'le' ? lo + hi : hi + lo;
  }
  return out;
}

function bytesOf(alt: Alt): Buffer {
  const text = literalOf(alt.segs);
  return alt.bin ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/**
 * The three shifted base64 forms of `data`, trimmed to the characters that do not depend on the
 * bytes around it: shifting by i bytes spoils the first ceil(8i/6) characters, and a partial
 * final group spoils its last data character and padding.
 */
export function base64OffsetVariants(data: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), data]);
    const enc = padded.toString('base64');
    const start = [0, 2, 3][shift];
    const rem = padded.length % 3;
    const end = rem === 0 ? enc.length : rem === 1 ? enc.length - 3 : enc.length - 2;
    out.push(enc.slice(start, Math.max(start, end)));
  }
  return out;
}

function applyTransform(mod: string, alts: Alt[], placeholders: Record<string, string[]> | undefined): Alt[] | string {
  switch (mod) {
    case 'contains':
      return alts.map((a) => ({ ...a, segs: normalizeSegments([{ t: 'star' }, ...a.segs, { t: 'star' }]) }));
    case 'startswith':
      return alts.map((a) => ({ ...a, segs: normalizeSegments([...a.segs, { t: 'star' }]) }));
    case 'endswith':
      return alts.map((a) => ({ ...a, segs: normalizeSegments([{ t: 'star' }, ...a.segs]) }));
    case 'windash':
      return alts.map((a) => {
        const segs: Segment[] = [];
        for (const s of a.segs) {
          if (s.t !== 'lit') {
            segs.push(s);
            continue;
          }
          let lit = '';
          for (const ch of s.s) {
            if (WINDASH.includes(ch)) {
              if (lit) segs.push({ t: 'lit', s: lit });
              lit = '';
              segs.push({ t: 'set', chars: WINDASH });
            } else lit += ch;
          }
          if (lit) segs.push({ t: 'lit', s: lit });
        }
        return { ...a, segs: normalizeSegments(segs) };
      });
    case 'expand': {
      const out: Alt[] = [];
      for (const a of alts) {
        let partial: Segment[][] = [[]];
        for (const s of a.segs) {
          if (s.t !== 'ph') {
            partial = partial.map((p) => [...p, s]);
            continue;
          }
          const values = placeholders?.[s.name];
          if (!values) return `placeholder %${s.name}% has no values configured for this tenant`;
          if (values.length === 0) return `placeholder %${s.name}% has an empty value list`;
          const next: Segment[][] = [];
          for (const p of partial) for (const v of values) next.push([...p, ...parseSigmaString(v, false)]);
          partial = next;
          if (partial.length > 10000) return `placeholder expansion of %${s.name}% yields more than 10000 values`;
        }
        for (const p of partial) out.push({ ...a, segs: normalizeSegments(p) });
      }
      return out;
    }
    default: {
      // encodings
      for (const a of alts) {
        if (hasWildcards(a.segs)) {
          return `'${mod}' cannot encode a value containing wildcards or placeholders (put contains/startswith/endswith after the encoding)`;
        }
      }
      if (mod === 'utf16le' || mod === 'wide' || mod === 'utf16be' || mod === 'utf16') {
        return alts.map((a) => {
          if (a.bin) return a; // already bytes; re-encoding bytes as text is not meaningful
          const text = literalOf(a.segs);
          const enc = encodeUtf16(text, mod === 'utf16be' ? 'be' : 'le', mod === 'utf16');
          return { segs: enc ? [{ t: 'lit', s: enc }] : [], bin: true };
        });
      }
      if (mod === 'base64') {
        return alts.map((a) => {
          const enc = bytesOf(a).toString('base64');
          return { segs: enc ? [{ t: 'lit', s: enc }] : [], bin: false };
        });
      }
      // base64offset
      const out: Alt[] = [];
      for (const a of alts) {
        for (const v of base64OffsetVariants(bytesOf(a))) out.push({ segs: v ? [{ t: 'lit', s: v }] : [], bin: false });
      }
      return out;
    }
  }
}

// Escapes whose meaning JS shares with PCRE; any other backslash-letter (\A, \Z, \Q, \h, \K...)
// would silently become a literal letter in a JS regex, so such patterns are refused.
const JS_LETTER_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v', 'x', 'u', 'c']);

/**
 * PCRE (Sigma's regex flavour) → JS RegExp. A leading global inline flag group such as `(?i)` or
 * `(?is)` becomes the equivalent JS flag; constructs JS lacks or reads differently are refused.
 */
export function translateRegex(pattern: string, sub: { i: boolean; m: boolean; s: boolean }): { source: string; flags: string } | string {
  let source = pattern;
  const flags = new Set<string>();
  if (sub.i) flags.add('i');
  if (sub.m) flags.add('m');
  if (sub.s) flags.add('s');
  const lead = /^\(\?([imsx]+)\)/.exec(source);
  if (lead) {
    if (lead[1].includes('x')) return "regular expression flag '(?x)' (extended) is not supported";
    for (const f of lead[1]) flags.add(f);
    source = source.slice(lead[0].length);
  }
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n !== undefined && /[A-Za-z]/.test(n) && !JS_LETTER_ESCAPES.has(n)) return `regular expression escape '\\${n}' has no JavaScript equivalent`;
      i++;
    } else if (c === '[' && /^\[:[a-z]+:\]/.test(source.slice(i, i + 12))) {
      return 'POSIX character classes ([:alpha:]) in regular expressions are not supported';
    } else if (c === '(' && source[i + 1] === '?' && source[i + 2] !== ':' && source[i + 2] !== '=' && source[i + 2] !== '!' && !(source[i + 2] === '<' && (source[i + 3] === '=' || source[i + 3] === '!'))) {
      return `regular expression group '${source.slice(i, i + 4)}' (inline flags, named or atomic groups) is not supported`;
    }
  }
  const flagText = [...flags].sort().join('');
  try {
    new RegExp(source, flagText);
  } catch (err) {
    return `regular expression not supported by this engine (${(err as Error).message})`;
  }
  const unsafe = findUnsafeRegexShape(source);
  if (unsafe) return `regular expression refused: ${unsafe}`;
  return { source, flags: flagText };
}

/** Splits `Field|mod1|mod2` into field and modifiers. */
export function splitFieldKey(key: string): { field: string; modifiers: string[] } {
  const parts = key.split('|');
  return { field: parts[0], modifiers: parts.slice(1) };
}

function validateModifiers(mods: string[], keyword: boolean): string | null {
  const seen = new Set<string>();
  for (let i = 0; i < mods.length; i++) {
    const m = mods[i];
    if (m === '') return 'empty modifier (\'||\' in field key)';
    if (!TRANSFORMS.has(m) && !COMPARE.has(m) && !TIME.has(m) && !FLAGS.has(m) && !RE_SUB.has(m)) return `unknown modifier '${m}'`;
    if (RE_SUB.has(m) && !mods.slice(0, i).includes('re')) return `modifier '${m}' is only valid after 're'`;
    if (seen.has(m)) return `modifier '${m}' given twice`;
    seen.add(m);
    if (keyword && !KEYWORD_OK.has(m)) return `modifier '${m}' cannot be used on keywords (no field)`;
  }
  const has = (m: string): boolean => seen.has(m);
  const compares = mods.filter((m) => COMPARE.has(m));
  const times = mods.filter((m) => TIME.has(m));
  const transforms = mods.filter((m) => TRANSFORMS.has(m));
  if (compares.length > 1) return `only one of lt/lte/gt/gte may be used (${compares.join(', ')})`;
  if (times.length > 1) return `only one time modifier may be used (${times.join(', ')})`;
  const utf = mods.filter((m) => m === 'utf16le' || m === 'utf16be' || m === 'utf16' || m === 'wide');
  if (utf.length > 1) return `conflicting encodings ${utf.join(', ')}`;
  const pos = mods.filter((m) => m === 'contains' || m === 'startswith' || m === 'endswith');
  if (pos.length > 1) return `conflicting modifiers ${pos.join(', ')}`;
  if (has('base64') && has('base64offset')) return 'conflicting modifiers base64, base64offset';
  const exclusive = (m: string, allowed: string[]): string | null => {
    if (!has(m)) return null;
    const other = mods.filter((x) => x !== m && !allowed.includes(x));
    return other.length ? `modifier '${m}' cannot be combined with ${other.map((o) => `'${o}'`).join(', ')}` : null;
  };
  return (
    exclusive('exists', []) ??
    exclusive('re', ['i', 'm', 's', 'cased', 'all', 'neq']) ??
    exclusive('cidr', ['all', 'neq', 'expand']) ??
    exclusive('fieldref', ['neq', 'cased', 'all']) ??
    (compares.length ? exclusive(compares[0], [...times]) : null) ??
    (times.length ? exclusive(times[0], ['lt', 'lte', 'gt', 'gte', 'neq', 'all']) : null) ??
    (has('neq') && has('all') ? "modifier 'neq' cannot be combined with 'all'" : null) ??
    (has('neq') && transforms.some((t) => t === 'base64offset') ? "modifier 'neq' cannot be combined with 'base64offset'" : null)
  );
}

/**
 * Builds the spec of one detection entry. `field` null means keywords. `values` is the YAML
 * value: a scalar, a list of scalars, or null.
 */
export function buildFieldSpec(field: string | null, modifiers: string[], value: unknown, placeholders?: Record<string, string[]>): SpecResult {
  const keyword = field === null;
  const what = keyword ? 'keywords' : `field '${field}'`;
  const modErr = validateModifiers(modifiers, keyword);
  if (modErr) return fail(`${what}: ${modErr}`);
  const has = (m: string): boolean => modifiers.includes(m);
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) return fail(`${what}: empty value list`);
  for (const v of list) {
    if (v !== null && typeof v === 'object') return fail(`${what}: nested ${Array.isArray(v) ? 'list' : 'map'} as a value is not Sigma`);
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return fail(`${what}: unsupported value type ${typeof v}`);
  }
  if (has('all') && list.length < 2) return fail(`${what}: 'all' on a single value is not allowed by the spec (use a separate selection)`);

  if (list.some((v) => v === null)) {
    if (list.length > 1) return fail(`${what}: null cannot be part of a value list (spec: give it its own selection)`);
    if (keyword) return fail('keywords: null is not a keyword');
    if (modifiers.length > 0) return fail(`${what}: null cannot take modifiers (${modifiers.join('|')})`);
    return { ok: true, spec: { kind: 'null', field: field as string } };
  }

  if (has('exists')) {
    if (list.length !== 1 || typeof list[0] !== 'boolean') return fail(`${what}: 'exists' needs a single boolean value`);
    return { ok: true, spec: { kind: 'exists', field: field as string, value: list[0] } };
  }

  if (has('fieldref')) {
    const refs: string[] = [];
    for (const v of list) {
      if (typeof v !== 'string' || v === '') return fail(`${what}: 'fieldref' needs field names as values`);
      refs.push(v);
    }
    return {
      ok: true,
      spec: { kind: 'fieldref', field: field as string, refs, combine: has('all') ? 'all' : 'any', negate: has('neq'), cased: has('cased') },
    };
  }

  const cased = has('cased');
  const compare = modifiers.find((m) => COMPARE.has(m)) as CompareOp | undefined;
  const timePart = (modifiers.find((m) => TIME.has(m)) as TimePart | undefined) ?? null;
  const transforms = modifiers.filter((m) => TRANSFORMS.has(m));
  const groups: ValuePattern[][] = [];

  for (const v of list) {
    if (has('re')) {
      if (typeof v !== 'string') return fail(`${what}: 're' needs a string pattern`);
      const re = translateRegex(v, { i: has('i'), m: has('m'), s: has('s') });
      if (typeof re === 'string') return fail(`${what}: ${re}`);
      groups.push([{ kind: 're', source: re.source, flags: re.flags }]);
      continue;
    }
    if (has('cidr')) {
      if (typeof v !== 'string') return fail(`${what}: 'cidr' needs a network as a string`);
      let texts = [v];
      if (has('expand')) {
        // placeholder values are networks too (e.g. %Legitimate_IP_Ranges%)
        const r = applyTransform('expand', [{ segs: parseSigmaString(v, true), bin: false }], placeholders);
        if (typeof r === 'string') return fail(`${what}: ${r}`);
        texts = [];
        for (const a of r) {
          if (hasWildcards(a.segs)) return fail(`${what}: 'cidr' value '${v}' expands to a wildcard pattern`);
          texts.push(literalOf(a.segs));
        }
      }
      const group: ValuePattern[] = [];
      for (const text of texts) {
        const parsed = parseCidr(text.trim());
        if (!parsed.ok) return fail(`${what}: invalid CIDR '${text}': ${parsed.error}`);
        group.push({ kind: 'cidr', net: parsed.block, text });
      }
      groups.push(group);
      continue;
    }
    if (compare) {
      const n = numericValue(v);
      if (n === null) return fail(`${what}: '${compare}' needs a number, got '${String(v)}'`);
      groups.push([{ kind: 'cmp', op: compare, value: n }]);
      continue;
    }
    if (timePart) {
      const n = numericValue(v);
      if (n === null) return fail(`${what}: '${timePart}' needs a number, got '${String(v)}'`);
      groups.push([{ kind: 'num', value: n }]);
      continue;
    }
    if (transforms.length === 0 && !keyword && typeof v === 'number') {
      groups.push([{ kind: 'num', value: v }]);
      continue;
    }
    if (transforms.length === 0 && !keyword && typeof v === 'boolean') {
      groups.push([{ kind: 'bool', value: v }]);
      continue;
    }
    let alts: Alt[] = [{ segs: parseSigmaString(String(v), has('expand')), bin: false }];
    for (const t of transforms) {
      const r = applyTransform(t, alts, placeholders);
      if (typeof r === 'string') return fail(`${what}: ${r}`);
      alts = r;
    }
    groups.push(
      alts.map((a): ValuePattern => {
        let segs = a.segs;
        // Keywords are a search inside values: implicit contains unless a position was given.
        if (keyword && !has('contains') && !has('startswith') && !has('endswith')) {
          segs = normalizeSegments([{ t: 'star' }, ...segs, { t: 'star' }]);
        }
        return { kind: 'str', segs: cased ? segs : lowerSegments(segs), cased };
      }),
    );
  }
  return {
    ok: true,
    spec: { kind: 'values', field, modifiers, groups, combine: has('all') ? 'all' : 'any', negate: has('neq'), timePart },
  };
}

/** Fields a spec reads. */
export function specFields(spec: FieldSpec): string[] {
  if (spec.kind === 'fieldref') return [spec.field, ...spec.refs];
  return spec.field === null ? [] : [spec.field];
}

/** True when the spec can only match if its field is present (not undefined). */
export function specRequiresField(spec: FieldSpec): boolean {
  switch (spec.kind) {
    case 'values':
      return spec.field !== null && !spec.negate;
    case 'null':
      return false;
    case 'exists':
      return spec.value;
    case 'fieldref':
      return !spec.negate;
  }
}

/** Extracts a time component from a date value without any time-zone conversion. */
export function timePartOf(value: unknown, part: TimePart): number | null {
  let y: number, mo: number, d: number, h: number, mi: number;
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(value.trim());
    if (!m) return null;
    y = +m[1];
    mo = +m[2];
    d = +m[3];
    h = m[4] === undefined ? 0 : +m[4];
    mi = m[5] === undefined ? 0 : +m[5];
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    // epoch seconds, or milliseconds when too large to be seconds
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    const dt = new Date(ms);
    if (Number.isNaN(dt.getTime())) return null;
    y = dt.getUTCFullYear();
    mo = dt.getUTCMonth() + 1;
    d = dt.getUTCDate();
    h = dt.getUTCHours();
    mi = dt.getUTCMinutes();
  } else return null;
  switch (part) {
    case 'minute':
      return mi;
    case 'hour':
      return h;
    case 'day':
      return d;
    case 'month':
      return mo;
    case 'year':
      return y;
    case 'week': {
      // ISO 8601 week number
      const date = new Date(Date.UTC(y, mo - 1, d));
      const dow = date.getUTCDay() || 7;
      date.setUTCDate(date.getUTCDate() + 4 - dow);
      const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
      return Math.ceil(((date.getTime() - yearStart) / 86400000 + 1) / 7);
    }
  }
}

/** Text form of a scalar for string patterns; null when the value has no text form. */
export function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return null;
}
