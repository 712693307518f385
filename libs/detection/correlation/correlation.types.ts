// Types shared by the correlation compiler (pure) and the Redis-backed engine.

export const SUPPORTED_CORRELATION_TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg'] as const;
export type CorrelationType = (typeof SUPPORTED_CORRELATION_TYPES)[number];

export const CORRELATION_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type CorrelationLevel = (typeof CORRELATION_LEVELS)[number];

/** The condition as written in the rule (Sigma `condition` map without `field`). */
export interface CountCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
}

/**
 * The condition normalised to inclusive integer bounds on the measured count:
 * satisfied when `min <= n && (max === null || n <= max) && n !== exclude`.
 */
export interface CountBounds {
  min: number;
  max: number | null;
  exclude: number | null;
}

/** A condition as thresholds on a real-valued measure (sums and averages are not integers). */
export interface Thresholds {
  lower: { value: number; inclusive: boolean } | null;
  upper: { value: number; inclusive: boolean } | null;
  exclude: number | null;
}

/**
 * How windows are evaluated (see docs/correlation.md):
 * - `sliding`: lower-bound-only conditions (gt/gte). A window of `timespan` ending at each event is
 *   checked as soon as the group's watermark passes that event; the first satisfying window fires.
 * - `closing`: conditions with an upper bound or an exclusion (lt/lte/eq/neq). A window opens at the
 *   group's first unconsumed event, lasts `timespan`, and is judged once, when it has closed.
 */
export type WindowEvaluation = 'sliding' | 'closing';

export interface CompiledCorrelation {
  /** Stable identity used in state keys and dedup keys: the rule `id`, else `name`, else a hash of title+definition. */
  id: string;
  declaredId?: string;
  name?: string;
  /** References under which other correlations can chain this one (its id and name). */
  refs: string[];
  title: string;
  level: CorrelationLevel;
  tags: string[];
  /** Whether the referenced base rules should also raise their own alerts (the caller acts on it). */
  generate: boolean;
  type: CorrelationType;
  /** Referenced rules (ids or names of base rules or correlations), in the listed order. */
  rules: string[];
  groupBy: string[];
  /** alias → (rule reference as listed in `rules`) → field name in that rule's events. */
  aliases: Record<string, Record<string, string>>;
  timespan: string;
  timespanMs: number;
  condition: CountCondition;
  /** value_count: the field(s) whose distinct values (tuples when several) are counted; value_sum/avg: the numeric field. */
  valueFields: string[];
  /** Integer bounds for the counting types (event_count, value_count, temporal*); null for value_sum/value_avg. */
  bounds: CountBounds | null;
  /** The condition as thresholds, for every type: what the engine compares. */
  thresholds: Thresholds;
  evaluation: WindowEvaluation;
  /** Short hash of everything that shapes state; part of the Redis key so an edited rule starts afresh. */
  stateVersion: string;
}

export type CompileResult = { ok: true; correlation: CompiledCorrelation } | { ok: false; reason: string };

export interface CorrelationMatch {
  /** The id and name of the matched base rule or correlation. */
  ruleRefs: string[];
  eventId: string;
  ts: Date;
  fields: (name: string) => unknown;
}

export interface CorrelationAlert {
  correlationId: string;
  correlationName?: string;
  /** The correlation's own references (id, name): what a chained correlation lists in `rules`. */
  correlationRefs: string[];
  title: string;
  level: CorrelationLevel;
  tags: string[];
  tenantId: string;
  /** JSON array of the group-by values, in group-by order. */
  groupKey: string;
  groupValues: Record<string, string>;
  windowStart: Date;
  windowEnd: Date;
  /** Ids of the events in the window (the matched sequence for temporal_ordered), at most `maxEventIds`. */
  eventIds: string[];
  /** Events in the window. */
  eventCount: number;
  /** The measured quantity the condition was applied to: events, distinct values, distinct rules, or the sum/average. */
  count: number;
  /** Deterministic: hash of correlation id, tenant, group key and window start. */
  dedupKey: string;
  /**
   * False when this correlation is only an input of other correlations in the set that all have
   * `generate: false` (the specification's default): feed it on, but do not raise it on its own.
   */
  standalone: boolean;
}
