// Public types of the Sigma engine. Rules see an event through two maps: what the sensor sent
// (`raw`, e.g. Zeek's literal `id.orig_h` keys or Suricata's nested `alert.signature_id`) and the
// normalized snake_case fields (src_ip, source_product, ...).

export interface SigmaEvent {
  raw: Record<string, unknown>;
  normalized: Record<string, unknown>;
}

export interface SigmaLogsource {
  product?: string;
  service?: string;
  category?: string;
  definition?: string;
}

/** One detection rule document, as parsed (not yet compiled). */
export interface SigmaRule {
  id?: string;
  name?: string;
  title: string;
  status?: string;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  level?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  fields: string[];
  logsource: SigmaLogsource;
  /** The detection map exactly as in the YAML (search identifiers + condition). */
  detection: Record<string, unknown>;
  /** Zero-based position of the document inside its file. */
  documentIndex: number;
  /** The whole YAML document, for custom attributes. */
  document: Record<string, unknown>;
}

/**
 * A Sigma correlation document, handed over untouched in meaning to the correlation module.
 * Keys keep Sigma's spelling where it is not a valid identifier: `group-by` → `groupBy`.
 */
export interface CorrelationDocument {
  id?: string;
  name?: string;
  title?: string;
  level?: string;
  type?: string;
  rules: string[];
  groupBy: string[];
  timespan?: string;
  condition?: unknown;
  generate?: boolean;
  aliases?: Record<string, unknown>;
  documentIndex: number;
  document: Record<string, unknown>;
}

/** A Sigma global filter document (sigma-filters-specification). */
export interface SigmaFilterDocument {
  id?: string;
  title?: string;
  logsource: SigmaLogsource;
  /** Rule ids or names the filter applies to (`any`/`all`: every rule of its logsource). */
  rules: string[];
  /** The filter's search identifiers and condition (same grammar as `detection`). */
  detection: Record<string, unknown>;
  documentIndex: number;
  document: Record<string, unknown>;
}

export interface SigmaParseError {
  documentIndex: number;
  reason: string;
}

export interface ParsedSigmaFile {
  rules: SigmaRule[];
  correlations: CorrelationDocument[];
  filters: SigmaFilterDocument[];
  errors: SigmaParseError[];
}

export interface CompileOptions {
  /** Per-tenant placeholder values for the `expand` modifier, by name without the `%`. */
  placeholders?: Record<string, string[]>;
  /**
   * Global filters. One applies when its logsource contains the rule's and `filter.rules` names
   * the rule's id or name (or is `any`/`all`); the rule then matches only if the filter's
   * condition also holds (`rule and filter`, as pySigma does: suppressions say `not selection`).
   */
  filters?: SigmaFilterDocument[];
}

export interface CompiledRule {
  id?: string;
  name?: string;
  title: string;
  author?: string;
  level?: string;
  status?: string;
  description?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  logsource: SigmaLogsource;
  /** Every event field the detection reads (fieldref targets included), in first-use order. */
  fieldsUsed: string[];
  /**
   * Fields of which at least one must be present for the rule to possibly match, or null when
   * no such guarantee can be derived (keywords, `null` values, negations at the top).
   */
  requiredAnyOf: string[] | null;
  /** Ids of global filters applied to this rule. */
  appliedFilters: string[];
  /** The source rule, kept for the naive interpreter and for display. */
  source: SigmaRule;
  /** Logsource check only. */
  matchesLogsource(event: SigmaEvent): boolean;
  /** Detection (condition over search identifiers) only. */
  matchesDetection(event: SigmaEvent): boolean;
  /** Logsource and detection. */
  match(event: SigmaEvent): boolean;
}

export type CompileResult = { ok: true; rule: CompiledRule } | { ok: false; reason: string };
