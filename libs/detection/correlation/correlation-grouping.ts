// Pure mapping of one rule match onto a correlation: which listed rule it satisfies, its group-by
// values (through aliases) and, for value_count, the counted value. Missing values mean "ignore".
import type { CompiledCorrelation, CorrelationMatch } from './correlation.types';

/** Index in `correlation.rules` of the first listed rule the match satisfies, or -1. */
export function ruleIndexOf(correlation: CompiledCorrelation, ruleRefs: readonly string[]): number {
  return correlation.rules.findIndex((ref) => ruleRefs.includes(ref));
}

/** The field to read for `name` in events of rule `ruleIndex`: the alias target when one is defined. */
export function resolveFieldName(correlation: CompiledCorrelation, ruleIndex: number, name: string): string {
  const alias = correlation.aliases[name];
  if (!alias) return name;
  return alias[correlation.rules[ruleIndex]] ?? name;
}

/**
 * Scalar field values become strings; absent, null and empty values, objects and arrays count as
 * missing (a group cannot be keyed on them).
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** A finite number, or a string holding one (sensors send "1234" as often as 1234); else undefined. */
export function numericText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? String(n) : undefined;
  }
  return undefined;
}

export interface MatchPlacement {
  ruleIndex: number;
  groupValues: string[];
  /** value_count: the counted value (JSON array when several fields); value_sum/avg: the number; temporal types: the rule number. */
  value: string;
}

/** Places a match in a correlation, or returns undefined when the match does not take part (documented). */
export function placeMatch(correlation: CompiledCorrelation, match: CorrelationMatch): MatchPlacement | undefined {
  const ruleIndex = ruleIndexOf(correlation, match.ruleRefs);
  if (ruleIndex < 0) return undefined;
  const read = (name: string): string | undefined => {
    try {
      return scalarText(match.fields(resolveFieldName(correlation, ruleIndex, name)));
    } catch {
      return undefined; // a throwing accessor is treated like a missing field
    }
  };
  const groupValues: string[] = [];
  for (const name of correlation.groupBy) {
    const v = read(name);
    if (v === undefined) return undefined;
    groupValues.push(v);
  }
  let value = '';
  if (correlation.type === 'value_count') {
    const parts: string[] = [];
    for (const name of correlation.valueFields) {
      const v = read(name);
      if (v === undefined) return undefined;
      parts.push(v);
    }
    value = parts.length === 1 ? parts[0] : JSON.stringify(parts);
  } else if (correlation.type === 'value_sum' || correlation.type === 'value_avg') {
    let raw: unknown;
    try {
      raw = match.fields(resolveFieldName(correlation, ruleIndex, correlation.valueFields[0]));
    } catch {
      return undefined;
    }
    const number = numericText(raw);
    if (number === undefined) return undefined; // missing or not numeric: ignored, like a missing field
    value = number;
  } else if (correlation.type === 'temporal' || correlation.type === 'temporal_ordered') {
    value = String(ruleIndex + 1);
  }
  return { ruleIndex, groupValues, value };
}

/** Stable text of the group-by values. */
export function groupKeyOf(groupValues: readonly string[]): string {
  return JSON.stringify(groupValues);
}
