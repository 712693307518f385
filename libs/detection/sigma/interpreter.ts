// A deliberately plain Sigma interpreter: every call re-reads the rule's YAML structure,
// re-parses the condition, rebuilds each value's patterns and looks fields up generically. It is
// the baseline for the detect benchmark and an independent oracle for the compiled matchers in
// tests (it shares only the value-modifier semantics in field-spec.ts and the scalar helpers).

import { identifiersFor, type ConditionNode } from './condition';
import { conditionTexts, filtersFor, identifierNames, parseConditions, selectionShape, type SelectionShape } from './compile';
import { collectKeywordTexts, lookupField } from './field-lookup';
import { textOf, timePartOf, type FieldSpec, type ValuePattern } from './field-spec';
import { eventLogsource, logsourceMatches, ruleLogsourceKey } from './logsource';
import { anyElement, booleanEquals, compareNumber, ipInNetwork, numberEquals } from './matchers';
import { matchSegments } from './sigma-string';
import type { CompileOptions, SigmaEvent, SigmaRule } from './types';
import { enableRegexBacktrackingFallback } from './regex-safety';

function testPattern(p: ValuePattern, x: unknown): boolean {
  switch (p.kind) {
    case 'str': {
      const t = textOf(x);
      if (t === null) return false;
      return matchSegments(p.segs, p.cased ? t : t.toLowerCase());
    }
    case 're': {
      const t = textOf(x);
      enableRegexBacktrackingFallback();
      return t !== null && new RegExp(p.source, p.flags).test(t);
    }
    case 'num':
      return numberEquals(x, p.value);
    case 'bool':
      return booleanEquals(x, p.value);
    case 'cidr':
      return ipInNetwork(x, p.net);
    case 'cmp':
      return compareNumber(p.op, x, p.value);
  }
}

function scalarMatchesGroup(spec: Extract<FieldSpec, { kind: 'values' }>, group: ValuePattern[], x: unknown): boolean {
  let value = x;
  if (spec.timePart !== null) {
    const part = timePartOf(x, spec.timePart);
    if (part === null) return false;
    value = part;
  }
  return group.some((p) => testPattern(p, value));
}

function valuesEqual(a: unknown, b: unknown, cased: boolean): boolean {
  return anyElement(a, (x) =>
    anyElement(b, (y) => {
      const ta = textOf(x);
      const tb = textOf(y);
      if (ta === null || tb === null) return false;
      return cased ? ta === tb : ta.toLowerCase() === tb.toLowerCase();
    }),
  );
}

function evalSpec(spec: FieldSpec, event: SigmaEvent): boolean {
  switch (spec.kind) {
    case 'null': {
      const v = lookupField(event, spec.field);
      return v === undefined || v === null;
    }
    case 'exists':
      return (lookupField(event, spec.field) !== undefined) === spec.value;
    case 'fieldref': {
      const positive = ((): boolean => {
        const v = lookupField(event, spec.field);
        if (v === undefined || v === null) return false;
        const others = spec.refs.map((r) => lookupField(event, r));
        const present = others.filter((o) => o !== undefined && o !== null);
        if (present.length === 0) return false;
        if (spec.combine === 'all') return present.length === others.length && present.every((o) => valuesEqual(v, o, spec.cased));
        return present.some((o) => valuesEqual(v, o, spec.cased));
      })();
      return spec.negate ? !positive : positive;
    }
    case 'values': {
      if (spec.field === null) {
        const texts = collectKeywordTexts(event.raw);
        const groupHit = (g: ValuePattern[]): boolean => texts.some((t) => scalarMatchesGroup(spec, g, t));
        return spec.combine === 'all' ? spec.groups.every(groupHit) : spec.groups.some(groupHit);
      }
      const v = lookupField(event, spec.field);
      if (v === undefined || v === null) return spec.negate;
      const groupHit = (g: ValuePattern[]): boolean => anyElement(v, (x) => scalarMatchesGroup(spec, g, x));
      if (spec.negate) return !spec.groups.some(groupHit);
      return spec.combine === 'all' ? spec.groups.every(groupHit) : spec.groups.some(groupHit);
    }
  }
}

function evalShape(shape: SelectionShape, event: SigmaEvent): boolean {
  if (shape.t === 'and') return shape.specs.every((s) => evalSpec(s, event));
  return shape.items.some((s) => evalShape(s, event));
}

function evalDetection(detection: Record<string, unknown>, event: SigmaEvent, opts: CompileOptions): boolean {
  const names = identifierNames(detection);
  const asts = parseConditions(conditionTexts(detection, 'detection'), names);
  const evalIdent = (name: string): boolean => evalShape(selectionShape(name, detection[name], opts), event);
  const evalNode = (node: ConditionNode): boolean => {
    switch (node.t) {
      case 'id':
        return evalIdent(node.name);
      case 'of': {
        const ids = identifiersFor(node, names);
        return node.all ? ids.every(evalIdent) : ids.some(evalIdent);
      }
      case 'and':
        return node.items.every(evalNode);
      case 'or':
        return node.items.some(evalNode);
      case 'not':
        return !evalNode(node.item);
    }
  };
  return asts.some(evalNode);
}

/**
 * Interprets a rule against one event from its source form. Throws if the rule is not valid
 * (callers only interpret rules that compiled). Filters from `opts` apply as in compileRule.
 */
export function interpretRule(rule: SigmaRule, event: SigmaEvent, opts: CompileOptions = {}, checkLogsource = true): boolean {
  if (checkLogsource && !logsourceMatches(ruleLogsourceKey(rule.logsource), eventLogsource(event.normalized))) return false;
  if (!evalDetection(rule.detection, event, opts)) return false;
  for (const f of filtersFor(rule, opts.filters)) {
    if (!evalDetection(f.detection, event, opts)) return false;
  }
  return true;
}
