// Parses and validates a Sigma correlation rule (already parsed from YAML) into a CompiledCorrelation.
// Pure: no I/O, no clock. Every refusal names the offending attribute.
import { createHash } from 'node:crypto';
import {
  CORRELATION_LEVELS,
  SUPPORTED_CORRELATION_TYPES,
  type CompileResult,
  type CompiledCorrelation,
  type CorrelationLevel,
  type CorrelationType,
  type CountBounds,
  type CountCondition,
  type Thresholds,
  type WindowEvaluation,
} from './correlation.types';

const METRIC_TYPES: readonly string[] = ['value_sum', 'value_avg'];
const UNSUPPORTED_TYPES: Record<string, string> = {
  value_percentile: 'the specification does not define which percentile the condition compares against',
};
const CONDITION_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
const TIMESPAN_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longest accepted timespan: state is kept in Redis for about twice this long. */
const MAX_TIMESPAN_MS = 30 * 86_400_000;

class CorrelationRefusal extends Error {}

function refuse(reason: string): never {
  throw new CorrelationRefusal(reason);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a Sigma timespan (`30s`, `5m`, `1h`, `1d`) into milliseconds. */
export function parseTimespan(text: unknown): { ok: true; ms: number } | { ok: false; reason: string } {
  if (typeof text !== 'string') return { ok: false, reason: 'timespan must be a string such as "5m"' };
  const m = /^([1-9][0-9]{0,8})([smhd])$/.exec(text);
  if (!m) return { ok: false, reason: `timespan "${text}" must be a positive number followed by s, m, h or d (e.g. 30s, 5m, 1h, 1d)` };
  const ms = Number(m[1]) * TIMESPAN_UNITS_MS[m[2]];
  if (ms > MAX_TIMESPAN_MS) return { ok: false, reason: `timespan "${text}" exceeds the supported maximum of 30d` };
  return { ok: true, ms };
}

function readStringList(value: unknown, what: string, opts: { allowEmpty: boolean }): string[] {
  if (value === undefined || value === null) {
    if (opts.allowEmpty) return [];
    refuse(`${what} is required`);
  }
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) refuse(`${what} must be a list of strings`);
  if (!opts.allowEmpty && list.length === 0) refuse(`${what} must not be empty`);
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string' || item.trim() === '') refuse(`${what} must contain only non-empty strings`);
    if (seen.has(item)) refuse(`${what} lists "${item}" twice`);
    seen.add(item);
  }
  return list as string[];
}

function readCondition(raw: unknown, type: CorrelationType, ruleCount: number): { condition: CountCondition; valueFields: string[] } {
  const isTemporal = type === 'temporal' || type === 'temporal_ordered';
  const isMetric = METRIC_TYPES.includes(type);
  if (raw === undefined || raw === null) {
    if (isTemporal) return { condition: { gte: ruleCount }, valueFields: [] };
    refuse(`correlation.condition is required for ${type}`);
  }
  if (!isPlainObject(raw)) refuse('correlation.condition must be a map such as { gte: 10 }');
  const condition: CountCondition = {};
  let valueFields: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'field') {
      if (type !== 'value_count' && !isMetric) refuse(`correlation.condition.field is only meaningful for value_count, value_sum and value_avg, not ${type}`);
      valueFields = readStringList(value, 'correlation.condition.field', { allowEmpty: false });
      if (isMetric && valueFields.length !== 1) refuse(`correlation.condition.field must name exactly one numeric field for ${type}`);
      continue;
    }
    if (!(CONDITION_OPERATORS as readonly string[]).includes(key)) {
      refuse(`correlation.condition has unknown operator "${key}" (expected gt, gte, lt, lte, eq, neq${type === 'value_count' ? ', field' : ''})`);
    }
    if (isMetric) {
      if (typeof value !== 'number' || !Number.isFinite(value)) refuse(`correlation.condition.${key} must be a number, got ${JSON.stringify(value)}`);
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      refuse(`correlation.condition.${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    condition[key as keyof CountCondition] = value;
  }
  if ((type === 'value_count' || isMetric) && valueFields.length === 0) refuse(`correlation.condition.field is required for ${type}`);
  if (Object.keys(condition).length === 0) refuse('correlation.condition needs at least one of gt, gte, lt, lte, eq, neq');
  return { condition, valueFields };
}

/** Turns gt/gte/lt/lte/eq/neq into inclusive bounds; refuses contradictory or vacuous combinations. */
export function conditionBounds(condition: CountCondition): { ok: true; bounds: CountBounds } | { ok: false; reason: string } {
  const { gt, gte, lt, lte, eq, neq } = condition;
  if (gt !== undefined && gte !== undefined) return { ok: false, reason: 'condition has both gt and gte: keep one lower bound' };
  if (lt !== undefined && lte !== undefined) return { ok: false, reason: 'condition has both lt and lte: keep one upper bound' };
  if (eq !== undefined && (gt ?? gte ?? lt ?? lte ?? neq) !== undefined) {
    return { ok: false, reason: 'condition eq cannot be combined with other operators' };
  }
  let min = 0;
  let max: number | null = null;
  if (eq !== undefined) {
    min = eq;
    max = eq;
  }
  if (gt !== undefined) min = gt + 1;
  if (gte !== undefined) min = gte;
  if (lt !== undefined) max = lt - 1;
  if (lte !== undefined) max = lte;
  // A window always holds at least one event, so the measured count is at least 1.
  const effectiveMin = Math.max(min, 1);
  if (max !== null && max < effectiveMin) {
    return { ok: false, reason: `condition can never be true: no count is both >= ${effectiveMin} and <= ${max} (a window always holds at least one event)` };
  }
  if (max === null && min <= 1 && neq === undefined) {
    return { ok: false, reason: `condition is true for every single event (count >= ${min}); use a plain rule instead` };
  }
  return { ok: true, bounds: { min: effectiveMin, max, exclude: neq ?? null } };
}

/** Thresholds on a real-valued measure (value_sum, value_avg); refuses contradictory combinations. */
export function conditionThresholds(condition: CountCondition): { ok: true; thresholds: Thresholds } | { ok: false; reason: string } {
  const { gt, gte, lt, lte, eq, neq } = condition;
  if (gt !== undefined && gte !== undefined) return { ok: false, reason: 'condition has both gt and gte: keep one lower bound' };
  if (lt !== undefined && lte !== undefined) return { ok: false, reason: 'condition has both lt and lte: keep one upper bound' };
  if (eq !== undefined && (gt ?? gte ?? lt ?? lte ?? neq) !== undefined) {
    return { ok: false, reason: 'condition eq cannot be combined with other operators' };
  }
  const lower = eq !== undefined ? { value: eq, inclusive: true } : gt !== undefined ? { value: gt, inclusive: false } : gte !== undefined ? { value: gte, inclusive: true } : null;
  const upper = eq !== undefined ? { value: eq, inclusive: true } : lt !== undefined ? { value: lt, inclusive: false } : lte !== undefined ? { value: lte, inclusive: true } : null;
  if (lower && upper && (lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive)))) {
    return { ok: false, reason: 'condition can never be true: its lower bound is above its upper bound' };
  }
  return { ok: true, thresholds: { lower, upper, exclude: neq ?? null } };
}

function thresholdsOfBounds(bounds: CountBounds): Thresholds {
  return {
    lower: { value: bounds.min, inclusive: true },
    upper: bounds.max === null ? null : { value: bounds.max, inclusive: true },
    exclude: bounds.exclude,
  };
}

function readAliases(raw: unknown, rules: string[]): Record<string, Record<string, string>> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) refuse('correlation.aliases must be a map of alias → { rule: field }');
  const aliases: Record<string, Record<string, string>> = {};
  for (const [alias, mapping] of Object.entries(raw)) {
    if (!isPlainObject(mapping) || Object.keys(mapping).length === 0) {
      refuse(`correlation.aliases.${alias} must map rule names to field names`);
    }
    aliases[alias] = {};
    for (const [ruleRef, field] of Object.entries(mapping)) {
      if (!rules.includes(ruleRef)) refuse(`correlation.aliases.${alias} refers to rule "${ruleRef}", which is not listed in correlation.rules`);
      if (typeof field !== 'string' || field === '') refuse(`correlation.aliases.${alias}.${ruleRef} must be a field name`);
      aliases[alias][ruleRef] = field;
    }
  }
  return aliases;
}

function readTags(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string')) refuse('tags must be a list of strings');
  return raw as string[];
}

function shortHash(value: unknown, length: number): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
}

function compileOrRefuse(doc: unknown): CompiledCorrelation {
  if (!isPlainObject(doc)) refuse('a correlation rule must be a YAML map');
  const section = doc.correlation;
  if (!isPlainObject(section)) refuse('correlation section is missing or not a map (is this a plain Sigma rule?)');

  const title = doc.title;
  if (typeof title !== 'string' || title.trim() === '') refuse('title is required');
  if (title.length > 256) refuse('title is longer than 256 characters');
  const declaredId = doc.id;
  if (declaredId !== undefined && (typeof declaredId !== 'string' || declaredId.trim() === '')) refuse('id must be a non-empty string');
  const name = doc.name;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) refuse('name must be a non-empty string');

  const rawType = section.type;
  if (typeof rawType !== 'string') refuse('correlation.type is required');
  if (UNSUPPORTED_TYPES[rawType]) {
    refuse(`correlation.type ${rawType} is not supported: ${UNSUPPORTED_TYPES[rawType]} (supported: ${SUPPORTED_CORRELATION_TYPES.join(', ')})`);
  }
  if (!(SUPPORTED_CORRELATION_TYPES as readonly string[]).includes(rawType)) {
    refuse(`correlation.type "${rawType}" is unknown (supported: ${SUPPORTED_CORRELATION_TYPES.join(', ')})`);
  }
  const type = rawType as CorrelationType;

  const rules = readStringList(section.rules, 'correlation.rules', { allowEmpty: false });
  if ((type === 'temporal' || type === 'temporal_ordered') && rules.length < 2) {
    refuse(`correlation.rules must list at least two rules for ${type}`);
  }
  for (const ref of rules) {
    if (ref === declaredId || ref === name) refuse(`correlation.rules refers to the correlation itself ("${ref}")`);
  }
  const groupBy = readStringList(section['group-by'], 'correlation.group-by', { allowEmpty: true });
  const timespan = parseTimespan(section.timespan);
  if (!timespan.ok) refuse(`correlation.${timespan.reason}`);
  const aliases = readAliases(section.aliases, rules);
  const { condition, valueFields } = readCondition(section.condition, type, rules.length);

  if (type === 'temporal_ordered') {
    const all = rules.length;
    const isAll = Object.keys(condition).length === 1 && (condition.gte === all || condition.eq === all);
    if (!isAll) refuse(`temporal_ordered supports only "all rules in order" (condition gte: ${all} or none)`);
  }
  const normalised = type === 'temporal_ordered' ? { gte: rules.length } : condition;
  let bounds: CountBounds | null = null;
  let thresholds: Thresholds;
  let evaluation: WindowEvaluation;
  if (METRIC_TYPES.includes(type)) {
    const t = conditionThresholds(normalised);
    if (!t.ok) refuse(`correlation.${t.reason}`);
    thresholds = t.thresholds;
    // An average is only meaningful over a whole window: value_avg always uses closing windows.
    evaluation = type === 'value_sum' && thresholds.upper === null && thresholds.exclude === null ? 'sliding' : 'closing';
  } else {
    const b = conditionBounds(normalised);
    if (!b.ok) refuse(`correlation.${b.reason}`);
    if ((type === 'temporal' || type === 'temporal_ordered') && b.bounds.min > rules.length) {
      refuse(`correlation.condition asks for ${b.bounds.min} distinct rules but only ${rules.length} are listed`);
    }
    bounds = b.bounds;
    thresholds = thresholdsOfBounds(b.bounds);
    evaluation = b.bounds.max === null && b.bounds.exclude === null ? 'sliding' : 'closing';
  }

  const rawLevel = doc.level ?? 'medium';
  if (typeof rawLevel !== 'string' || !(CORRELATION_LEVELS as readonly string[]).includes(rawLevel)) {
    refuse(`level "${String(rawLevel)}" must be one of ${CORRELATION_LEVELS.join(', ')}`);
  }
  const rawGenerate = section.generate ?? doc.generate ?? false;
  if (typeof rawGenerate !== 'boolean') refuse('generate must be true or false');

  const definition = { type, rules, groupBy, aliases, timespanMs: timespan.ms, thresholds, valueFields, evaluation };
  const id = (declaredId as string | undefined) ?? (name as string | undefined) ?? `title:${shortHash([title, definition], 16)}`;
  const refs = [declaredId, name].filter((r): r is string => typeof r === 'string');

  return {
    id,
    ...(declaredId !== undefined ? { declaredId: declaredId as string } : {}),
    ...(name !== undefined ? { name: name as string } : {}),
    refs: refs.length > 0 ? refs : [id],
    title,
    level: rawLevel as CorrelationLevel,
    tags: readTags(doc.tags),
    generate: rawGenerate,
    type,
    rules,
    groupBy,
    aliases,
    timespan: section.timespan as string,
    timespanMs: timespan.ms,
    condition: normalised,
    valueFields,
    bounds,
    thresholds,
    evaluation,
    stateVersion: shortHash(definition, 12),
  };
}

/** Validates a Sigma correlation rule document. Never throws for bad input: returns `{ ok: false, reason }`. */
export function compileCorrelation(doc: unknown): CompileResult {
  try {
    return { ok: true, correlation: compileOrRefuse(doc) };
  } catch (err) {
    if (err instanceof CorrelationRefusal) return { ok: false, reason: err.message };
    return { ok: false, reason: `correlation rule could not be read: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Checks a set of compiled correlations together: unique ids, and no reference cycle among them
 * (a cycle would let chained alerts feed each other forever).
 */
export function checkCorrelationSet(correlations: CompiledCorrelation[]): { ok: true } | { ok: false; reason: string } {
  const byRef = new Map<string, CompiledCorrelation>();
  const ids = new Set<string>();
  for (const c of correlations) {
    if (ids.has(c.id)) return { ok: false, reason: `two correlations share the id "${c.id}"` };
    ids.add(c.id);
    for (const ref of c.refs) byRef.set(ref, c);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: CompiledCorrelation, path: string[]): string | null => {
    if (state.get(c.id) === 'done') return null;
    if (state.get(c.id) === 'visiting') return [...path, c.id].join(' → ');
    state.set(c.id, 'visiting');
    for (const ref of c.rules) {
      const next = byRef.get(ref);
      if (next) {
        const cycle = visit(next, [...path, c.id]);
        if (cycle) return cycle;
      }
    }
    state.set(c.id, 'done');
    return null;
  };
  for (const c of correlations) {
    const cycle = visit(c, []);
    if (cycle) return { ok: false, reason: `correlations reference each other in a cycle: ${cycle}` };
  }
  return { ok: true };
}

/**
 * References (rule ids or names) whose matches should not raise alerts of their own: those listed
 * only by correlations with `generate: false`, the specification's default. A reference listed by
 * at least one correlation with `generate: true` keeps its own alerts.
 */
export function refsWithoutOwnAlerts(correlations: readonly CompiledCorrelation[]): Set<string> {
  const generated = new Set<string>();
  const listed = new Set<string>();
  for (const c of correlations) {
    for (const ref of c.rules) {
      listed.add(ref);
      if (c.generate) generated.add(ref);
    }
  }
  return new Set([...listed].filter((ref) => !generated.has(ref)));
}
