// Compiled matchers: each FieldSpec becomes one closure over the event, with its field getter,
// regexes, exact-value sets and prefix/suffix/substring tests built once.
//
// Value semantics (shared with the naive interpreter through the scalar helpers below):
// - a field holding an array matches when any element matches (nested arrays flatten);
// - strings compare case-insensitively unless `cased`; numbers and booleans in the event are
//   compared as their text ("4688", "true") against string patterns;
// - a numeric rule value matches the same number, or a decimal string equal to it ("4688");
// - a boolean rule value matches the same boolean or the text "true"/"false";
// - missing (undefined) and null fields match no value pattern; `null` matches exactly those.

import { cidrContains, parseIp } from '../ip-address';
import { collectKeywordTexts, compileFieldGetter, type FieldGetter } from './field-lookup';
import { numericValue, textOf, timePartOf, type CompareOp, type FieldSpec, type TimePart, type ValuePattern } from './field-spec';
import { enableRegexBacktrackingFallback } from './regex-safety';
import { segmentsToRegexSource, type Segment } from './sigma-string';
import type { SigmaEvent } from './types';

export type EventMatcher = (event: SigmaEvent) => boolean;
/** Lower-cases text; a rule set passes a per-event memo so a long value is lowered once, not per rule. */
export type Lowerer = (text: string) => string;
type ScalarMatcher = (x: unknown, lower: Lowerer) => boolean;

const plainLower: Lowerer = (t) => t.toLowerCase();

/** An event as a rule set hands it to matchers: the caller's maps plus a per-event lowering memo. */
export interface LoweringEvent extends SigmaEvent {
  lower?: Lowerer;
}

/** A memo for one event's evaluation (short strings are cheaper to lower than to look up). */
export function eventLowerer(): Lowerer {
  let memo: Map<string, string> | undefined;
  return (t) => {
    if (t.length < 24) return t.toLowerCase();
    if (memo === undefined) memo = new Map();
    let l = memo.get(t);
    if (l === undefined) {
      l = t.toLowerCase();
      memo.set(t, l);
    }
    return l;
  };
}

function anyElementWith(v: unknown, test: ScalarMatcher, lower: Lowerer): boolean {
  if (Array.isArray(v)) {
    for (const el of v) if (anyElementWith(el, test, lower)) return true;
    return false;
  }
  return test(v, lower);
}

export function numberEquals(x: unknown, v: number): boolean {
  if (typeof x === 'number') return x === v;
  if (typeof x === 'string') return numericValue(x) === v;
  return false;
}

export function booleanEquals(x: unknown, v: boolean): boolean {
  if (typeof x === 'boolean') return x === v;
  if (typeof x === 'string') return x.toLowerCase() === (v ? 'true' : 'false');
  return false;
}

export function compareNumber(op: CompareOp, x: unknown, v: number): boolean {
  const n = numericValue(x);
  if (n === null) return false;
  switch (op) {
    case 'lt':
      return n < v;
    case 'lte':
      return n <= v;
    case 'gt':
      return n > v;
    case 'gte':
      return n >= v;
  }
}

export function ipInNetwork(x: unknown, net: Extract<ValuePattern, { kind: 'cidr' }>['net']): boolean {
  if (typeof x !== 'string') return false;
  const ip = parseIp(x);
  return ip !== null && cidrContains(net, ip);
}

/** Any element of an array value (recursively), or the value itself. */
export function anyElement(v: unknown, test: (x: unknown) => boolean): boolean {
  if (Array.isArray(v)) {
    for (const el of v) if (anyElement(el, test)) return true;
    return false;
  }
  return test(v);
}

function compileTextTest(segs: Segment[]): { exact: string } | { test: (t: string) => boolean } {
  const n = segs.length;
  if (n === 0) return { exact: '' };
  const s0 = segs[0];
  if (n === 1 && s0.t === 'lit') return { exact: s0.s };
  if (n === 1 && s0.t === 'star') return { test: () => true };
  if (n === 2 && s0.t === 'lit' && segs[1].t === 'star') {
    const p = s0.s;
    return { test: (t) => t.startsWith(p) };
  }
  const s1 = segs[1];
  if (n === 2 && s0.t === 'star' && s1.t === 'lit') {
    const p = s1.s;
    return { test: (t) => t.endsWith(p) };
  }
  if (n === 3 && s0.t === 'star' && s1.t === 'lit' && segs[2].t === 'star') {
    const p = s1.s;
    return { test: (t) => t.includes(p) };
  }
  const re = new RegExp(segmentsToRegexSource(segs));
  return { test: (t) => re.test(t) };
}

/** One scalar test covering an OR-list of patterns: exact values go into sets, text lowered once. */
export function compileScalarMatcher(patterns: ValuePattern[], timePart: TimePart | null): ScalarMatcher {
  const lowerExact = new Set<string>();
  const lowerTests: ((t: string) => boolean)[] = [];
  const casedExact = new Set<string>();
  const casedTests: ((t: string) => boolean)[] = [];
  const valueTests: ScalarMatcher[] = [];
  for (const p of patterns) {
    switch (p.kind) {
      case 'str': {
        const c = compileTextTest(p.segs);
        if ('exact' in c) (p.cased ? casedExact : lowerExact).add(c.exact);
        else (p.cased ? casedTests : lowerTests).push(c.test);
        break;
      }
      case 're': {
        enableRegexBacktrackingFallback();
        const re = new RegExp(p.source, p.flags);
        valueTests.push((x) => {
          const t = textOf(x);
          return t !== null && re.test(t);
        });
        break;
      }
      case 'num': {
        const v = p.value;
        valueTests.push((x) => numberEquals(x, v));
        break;
      }
      case 'bool': {
        const v = p.value;
        valueTests.push((x) => booleanEquals(x, v));
        break;
      }
      case 'cidr': {
        const net = p.net;
        valueTests.push((x) => ipInNetwork(x, net));
        break;
      }
      case 'cmp': {
        const { op, value } = p;
        valueTests.push((x) => compareNumber(op, x, value));
        break;
      }
    }
  }
  const hasLower = lowerExact.size > 0 || lowerTests.length > 0;
  const hasCased = casedExact.size > 0 || casedTests.length > 0;
  const onlyLowerExact = hasLower && lowerTests.length === 0 && !hasCased && valueTests.length === 0;
  let scalar: ScalarMatcher;
  if (onlyLowerExact) {
    scalar = (x, lower) => {
      const t = typeof x === 'string' ? x : textOf(x);
      return t !== null && lowerExact.has(lower(t));
    };
  } else {
    scalar = (x, lower) => {
      for (let i = 0; i < valueTests.length; i++) if (valueTests[i](x, lower)) return true;
      if (!hasLower && !hasCased) return false;
      const t = typeof x === 'string' ? x : textOf(x);
      if (t === null) return false;
      if (hasCased) {
        if (casedExact.has(t)) return true;
        for (let i = 0; i < casedTests.length; i++) if (casedTests[i](t)) return true;
      }
      if (hasLower) {
        const l = lower(t);
        if (lowerExact.has(l)) return true;
        for (let i = 0; i < lowerTests.length; i++) if (lowerTests[i](l)) return true;
      }
      return false;
    };
  }
  if (timePart === null) return scalar;
  const part = timePart;
  return (x, lower) => {
    const p = timePartOf(x, part);
    return p !== null && scalar(p, lower);
  };
}

function textsEqual(a: unknown, b: unknown, cased: boolean): boolean {
  return anyElement(a, (x) => {
    const ta = textOf(x);
    if (ta === null) return false;
    const la = cased ? ta : ta.toLowerCase();
    return anyElement(b, (y) => {
      const tb = textOf(y);
      return tb !== null && (cased ? tb : tb.toLowerCase()) === la;
    });
  });
}

export function compileSpec(spec: FieldSpec): EventMatcher {
  switch (spec.kind) {
    case 'null': {
      const g = compileFieldGetter(spec.field);
      return (e) => {
        const v = g(e);
        return v === undefined || v === null;
      };
    }
    case 'exists': {
      const g = compileFieldGetter(spec.field);
      return spec.value ? (e) => g(e) !== undefined : (e) => g(e) === undefined;
    }
    case 'fieldref': {
      const g = compileFieldGetter(spec.field);
      const refs: FieldGetter[] = spec.refs.map(compileFieldGetter);
      const { cased, negate, combine } = spec;
      const positive = (e: SigmaEvent): boolean => {
        const v = g(e);
        if (v === undefined || v === null) return false;
        const present: unknown[] = [];
        for (const r of refs) {
          const o = r(e);
          if (o !== undefined && o !== null) present.push(o);
        }
        if (present.length === 0) return false;
        return combine === 'all'
          ? present.length === refs.length && present.every((o) => textsEqual(v, o, cased))
          : present.some((o) => textsEqual(v, o, cased));
      };
      // neq is the negation of the positive form (pySigma: NOT field = ref), missing fields included
      return negate ? (e) => !positive(e) : positive;
    }
    case 'values': {
      const { combine, negate, timePart } = spec;
      if (spec.field === null) {
        const groups = spec.groups.map((g) => compileScalarMatcher(g, null));
        const any = compileScalarMatcher(spec.groups.flat(), null);
        return (e) => {
          const lower = (e as LoweringEvent).lower ?? plainLower;
          const texts = collectKeywordTexts(e.raw);
          if (combine === 'any') return texts.some((t) => any(t, lower));
          return groups.every((m) => texts.some((t) => m(t, lower)));
        };
      }
      const g = compileFieldGetter(spec.field);
      if (combine === 'any' || negate) {
        const any = compileScalarMatcher(spec.groups.flat(), timePart);
        if (negate) {
          return (e) => {
            const v = g(e);
            return v === undefined || v === null || !anyElementWith(v, any, (e as LoweringEvent).lower ?? plainLower);
          };
        }
        return (e) => {
          const v = g(e);
          if (v === undefined || v === null) return false;
          const lower = (e as LoweringEvent).lower ?? plainLower;
          return Array.isArray(v) ? anyElementWith(v, any, lower) : any(v, lower);
        };
      }
      const groups = spec.groups.map((gr) => compileScalarMatcher(gr, timePart));
      return (e) => {
        const v = g(e);
        if (v === undefined || v === null) return false;
        const lower = (e as LoweringEvent).lower ?? plainLower;
        for (const m of groups) if (!anyElementWith(v, m, lower)) return false;
        return true;
      };
    }
  }
}
