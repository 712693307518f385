// compileRule: a parsed Sigma rule → one closure tree, built once. Everything the engine does
// not honour is refused here with a reason; a compiled rule never matches "approximately".

import { ConditionError, LEGACY_AGGREGATION, identifiersFor, parseCondition, validateCondition, type ConditionNode } from './condition';
import { buildFieldSpec, specFields, specRequiresField, splitFieldKey, type FieldSpec } from './field-spec';
import { logsourceMatchesNormalized, ruleLogsourceKey } from './logsource';
import { compileSpec, type EventMatcher } from './matchers';
import type { CompiledRule, CompileOptions, CompileResult, SigmaEvent, SigmaFilterDocument, SigmaRule } from './types';

/** A search identifier or condition in compiled form. */
interface Part {
  match: EventMatcher;
  /** At least one of these fields must be present for `match` to be true; null = unknown. */
  required: string[] | null;
}

export class RefusalError extends Error {}

/**
 * Walks one search identifier's YAML into field specs (map = AND, list = OR, scalars in a list
 * = keywords). Exported for the naive interpreter, which calls it on every evaluation.
 */
export type SelectionShape =
  | { t: 'and'; specs: FieldSpec[] }
  | { t: 'or'; items: SelectionShape[] };

export function selectionShape(name: string, value: unknown, opts: CompileOptions): SelectionShape {
  const specOf = (field: string | null, mods: string[], v: unknown): FieldSpec => {
    const r = buildFieldSpec(field, mods, v, opts.placeholders);
    if (!r.ok) throw new RefusalError(`search identifier '${name}': ${r.reason}`);
    return r.spec;
  };
  const mapShape = (map: Record<string, unknown>): SelectionShape => {
    const keys = Object.keys(map);
    if (keys.length === 0) throw new RefusalError(`search identifier '${name}': empty map`);
    return {
      t: 'and',
      specs: keys.map((key) => {
        const { field, modifiers } = splitFieldKey(key);
        return specOf(field === '' ? null : field, modifiers, map[key]);
      }),
    };
  };
  if (value === null || value === undefined) throw new RefusalError(`search identifier '${name}' is empty`);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RefusalError(`search identifier '${name}': empty list`);
    const keywords: unknown[] = [];
    const items: SelectionShape[] = [];
    for (const item of value) {
      if (typeof item === 'string' || typeof item === 'number') keywords.push(item);
      else if (item !== null && typeof item === 'object' && !Array.isArray(item)) items.push(mapShape(item as Record<string, unknown>));
      else throw new RefusalError(`search identifier '${name}': list item of unsupported type (${item === null ? 'null' : Array.isArray(item) ? 'list' : typeof item})`);
    }
    if (keywords.length > 0) items.unshift({ t: 'and', specs: [specOf(null, [], keywords)] });
    return items.length === 1 ? items[0] : { t: 'or', items };
  }
  if (typeof value === 'object') return mapShape(value as Record<string, unknown>);
  if (typeof value === 'string' || typeof value === 'number') return { t: 'and', specs: [specOf(null, [], [value])] };
  throw new RefusalError(`search identifier '${name}' has unsupported type ${typeof value}`);
}

function smallest(sets: (string[] | null)[]): string[] | null {
  let best: string[] | null = null;
  for (const s of sets) if (s !== null && (best === null || s.length < best.length)) best = s;
  return best;
}

function union(sets: (string[] | null)[]): string[] | null {
  const out: string[] = [];
  for (const s of sets) {
    if (s === null) return null;
    for (const f of s) if (!out.includes(f)) out.push(f);
  }
  return out;
}

function compileShape(shape: SelectionShape, fieldsUsed: string[]): Part {
  if (shape.t === 'and') {
    const matchers = shape.specs.map(compileSpec);
    for (const s of shape.specs) for (const f of specFields(s)) if (!fieldsUsed.includes(f)) fieldsUsed.push(f);
    const req = shape.specs.find(specRequiresField);
    const required = req ? [req.field as string] : null;
    if (matchers.length === 1) return { match: matchers[0], required };
    if (matchers.length === 2) {
      const [a, b] = matchers;
      return { match: (e) => a(e) && b(e), required };
    }
    return {
      match: (e) => {
        for (let i = 0; i < matchers.length; i++) if (!matchers[i](e)) return false;
        return true;
      },
      required,
    };
  }
  const parts = shape.items.map((s) => compileShape(s, fieldsUsed));
  const ms = parts.map((p) => p.match);
  return {
    match: (e) => {
      for (let i = 0; i < ms.length; i++) if (ms[i](e)) return true;
      return false;
    },
    required: union(parts.map((p) => p.required)),
  };
}

function andParts(parts: Part[]): Part {
  if (parts.length === 1) return parts[0];
  const ms = parts.map((p) => p.match);
  return {
    match: (e) => {
      for (let i = 0; i < ms.length; i++) if (!ms[i](e)) return false;
      return true;
    },
    required: smallest(parts.map((p) => p.required)),
  };
}

function orParts(parts: Part[]): Part {
  if (parts.length === 1) return parts[0];
  const ms = parts.map((p) => p.match);
  return {
    match: (e) => {
      for (let i = 0; i < ms.length; i++) if (ms[i](e)) return true;
      return false;
    },
    required: union(parts.map((p) => p.required)),
  };
}

function compileCondition(node: ConditionNode, selections: Map<string, Part>, names: string[]): Part {
  switch (node.t) {
    case 'id':
      return selections.get(node.name) as Part;
    case 'of': {
      const parts = identifiersFor(node, names).map((n) => selections.get(n) as Part);
      return node.all ? andParts(parts) : orParts(parts);
    }
    case 'and':
      return andParts(node.items.map((n) => compileCondition(n, selections, names)));
    case 'or':
      return orParts(node.items.map((n) => compileCondition(n, selections, names)));
    case 'not': {
      const inner = compileCondition(node.item, selections, names).match;
      return { match: (e) => !inner(e), required: null };
    }
  }
}

/** The condition(s) of a detection map: a string, or a list of strings OR-ed together. */
export function conditionTexts(detection: Record<string, unknown>, what: string): string[] {
  const cond = detection.condition;
  if (cond === undefined || cond === null) throw new RefusalError(`${what} has no condition`);
  const list = Array.isArray(cond) ? cond : [cond];
  if (list.length === 0) throw new RefusalError(`${what}: empty condition list`);
  for (const c of list) if (typeof c !== 'string' || c.trim() === '') throw new RefusalError(`${what}: condition must be a non-empty string`);
  return list as string[];
}

/** Search identifier names of a detection map (everything except the reserved keys). */
export function identifierNames(detection: Record<string, unknown>): string[] {
  return Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');
}

export function parseConditions(texts: string[], names: string[]): ConditionNode[] {
  return texts.map((text) => {
    let ast: ConditionNode;
    try {
      ast = parseCondition(text);
    } catch (err) {
      if (err instanceof ConditionError) throw new RefusalError(`condition '${text}': ${err.message}`);
      throw err;
    }
    const bad = validateCondition(ast, names);
    if (bad) throw new RefusalError(`condition '${text}': ${bad}`);
    return ast;
  });
}

function compileDetection(detection: unknown, what: string, opts: CompileOptions, fieldsUsed: string[]): Part {
  if (detection === null || typeof detection !== 'object' || Array.isArray(detection)) throw new RefusalError(`${what} must be a map`);
  const det = detection as Record<string, unknown>;
  if ('timeframe' in det) throw new RefusalError(`${LEGACY_AGGREGATION}: 'timeframe' in detection (port it to a Sigma correlation rule)`);
  const texts = conditionTexts(det, what);
  const names = identifierNames(det);
  const asts = parseConditions(texts, names);
  // every identifier is built, including ones the condition does not use: they must still be
  // valid Sigma, and a rule is refused rather than half-checked
  const selections = new Map<string, Part>();
  for (const n of names) selections.set(n, compileShape(selectionShape(n, det[n], opts), fieldsUsed));
  return orParts(asts.map((a) => compileCondition(a, selections, names)));
}

/**
 * Global filters that apply to a rule, as pySigma applies them: the filter's logsource must
 * contain the rule's (each key the filter gives equals the rule's), and `filter.rules` names the
 * rule's id or name, or is `any`/`all`.
 */
export function filtersFor(rule: SigmaRule, filters: SigmaFilterDocument[] | undefined): SigmaFilterDocument[] {
  if (!filters) return [];
  const rk = ruleLogsourceKey(rule.logsource);
  return filters.filter((f) => {
    const fk = ruleLogsourceKey(f.logsource);
    if ((fk.product !== null && fk.product !== rk.product) || (fk.service !== null && fk.service !== rk.service) || (fk.category !== null && fk.category !== rk.category)) {
      return false;
    }
    return f.rules.some((r) => r.toLowerCase() === 'any' || r.toLowerCase() === 'all' || r === rule.id || (rule.name !== undefined && r === rule.name));
  });
}

export function compileRule(rule: SigmaRule, opts: CompileOptions = {}): CompileResult {
  try {
    const fieldsUsed: string[] = [];
    let det = compileDetection(rule.detection, 'detection', opts, fieldsUsed);
    const applied = filtersFor(rule, opts.filters);
    for (const f of applied) {
      // `(rule condition) and (filter condition)`: a filter states what must still hold, so
      // suppressing filters are written `condition: not selection` (pySigma semantics)
      const filterPart = compileDetection(f.detection, `filter '${f.title ?? f.id ?? f.documentIndex}'`, opts, fieldsUsed);
      det = andParts([det, filterPart]);
    }
    if (rule.status === 'unsupported') {
      throw new RefusalError("rule status is 'unsupported' (its authors mark it unusable as written)");
    }
    const key = ruleLogsourceKey(rule.logsource);
    const matchesDetection = det.match;
    const matchesLogsource = (e: SigmaEvent): boolean => logsourceMatchesNormalized(key, e.normalized);
    const compiled: CompiledRule = {
      id: rule.id,
      name: rule.name,
      title: rule.title,
      author: rule.author,
      level: rule.level,
      status: rule.status,
      description: rule.description,
      tags: rule.tags,
      references: rule.references,
      falsepositives: rule.falsepositives,
      logsource: rule.logsource,
      fieldsUsed,
      requiredAnyOf: det.required,
      appliedFilters: applied.map((f) => f.id ?? f.title ?? String(f.documentIndex)),
      source: rule,
      matchesLogsource,
      matchesDetection,
      match: (e) => matchesLogsource(e) && matchesDetection(e),
    };
    return { ok: true, rule: compiled };
  } catch (err) {
    if (err instanceof RefusalError) return { ok: false, reason: err.message };
    return { ok: false, reason: `internal error while compiling: ${(err as Error).message}` };
  }
}
