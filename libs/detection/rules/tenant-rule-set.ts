// A tenant's effective rule set: global rules plus its own (a tenant rule shadows a global one
// with the same sigma id), minus those it disabled, compiled once per rule-set version and
// per placeholder values, and cached per worker process.
import { createHash } from 'node:crypto';
import { buildRuleSet, compileRule, parseSigmaFile, type CompiledRule, type RuleSet } from '@watchfloor/detection/sigma';
import { compileCorrelation, type CompiledCorrelation } from '@watchfloor/detection/correlation';
import type { OtDetectionName, OtDetectionSetting, Severity } from '@watchfloor/detection/ot';
import { Scope, type ScopedTx, type TenantDb } from '@watchfloor/tenancy';
import { builtinDetectionName, type RuleKind, type RuleMetadata } from './rule-import';
import type { RuleVersions } from './rule-versions';

export interface StoredRule extends Pick<RuleMetadata, 'sigmaId' | 'name' | 'title' | 'author' | 'level' | 'tags' | 'sourceYaml'> {
  id: string;
  ownerTenantId: string | null;
  kind: RuleKind;
  version: number;
  enabled: boolean;
  severityOverride: Severity | null;
}

/** What an alert needs to know about the rule that raised it. */
export interface RuleMeta {
  ruleId: string;
  ruleRef: string;
  kind: RuleKind;
  version: number;
  title: string;
  author: string;
  severity: Severity;
  techniques: string[];
  /** False for base rules only referenced by correlations without `generate: true`. */
  alerting: boolean;
}

export interface TenantRules {
  versionKey: string;
  ruleSet: RuleSet;
  ruleMeta: Map<CompiledRule, RuleMeta>;
  correlations: CompiledCorrelation[];
  correlationMeta: Map<string, RuleMeta>;
  /** Base rules that feed correlations (compiled rules whose matches go to the correlation engine). */
  correlationInputs: Set<CompiledRule>;
  builtins: Partial<Record<OtDetectionName, { meta: RuleMeta; setting: OtDetectionSetting }>>;
  /** Stored rules that could not be compiled for this tenant (e.g. a placeholder it has no values for). */
  skipped: { sigmaId: string; reason: string }[];
}

const LEVEL_SEVERITY: Record<string, Severity> = { informational: 'INFO', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

export function severityOfLevel(level: string | null | undefined): Severity {
  return LEVEL_SEVERITY[String(level ?? '').toLowerCase()] ?? 'MEDIUM';
}

/** ATT&CK ids from Sigma tags: attack.t0855 → T0855, attack.t1059.001 → T1059.001. */
export function techniquesOfTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
    if (m && !out.includes(m[1].toUpperCase())) out.push(m[1].toUpperCase());
  }
  return out;
}

interface StoredRuleRow {
  id: string;
  owner_tenant_id: string | null;
  sigma_id: string;
  name: string | null;
  kind: RuleKind;
  title: string;
  author: string | null;
  level: string;
  tags: string[];
  source_yaml: string;
  version: number;
  enabled: boolean;
  severity_override: Severity | null;
}

/** Global and own rules of a tenant, a tenant rule shadowing a global one with the same sigma id. */
export async function loadTenantRules(tx: ScopedTx, tenantId: string): Promise<StoredRule[]> {
  const rows = await tx.query<StoredRuleRow>(
    `SELECT r.id, r.owner_tenant_id, r.sigma_id, r.name, r.kind, r.title, r.author, r.level, r.tags, r.source_yaml, r.version,
            coalesce(s.enabled, r.enabled_by_default) AS enabled, s.severity_override
       FROM detection_rules r LEFT JOIN tenant_rule_settings s ON s.rule_id = r.id AND s.tenant_id = $1
      WHERE r.owner_tenant_id IS NULL OR r.owner_tenant_id = $1
      ORDER BY r.sigma_id, r.owner_tenant_id NULLS LAST`,
    [tenantId],
  );
  const bySigmaId = new Map<string, StoredRule>();
  for (const r of rows) {
    if (bySigmaId.has(r.sigma_id)) continue; // the tenant's own row came first
    bySigmaId.set(r.sigma_id, {
      id: r.id,
      ownerTenantId: r.owner_tenant_id,
      sigmaId: r.sigma_id,
      name: r.name,
      kind: r.kind,
      title: r.title,
      author: r.author,
      level: r.level,
      tags: r.tags,
      sourceYaml: r.source_yaml,
      version: r.version,
      enabled: r.enabled,
      severityOverride: r.severity_override,
    });
  }
  return [...bySigmaId.values()];
}

/** `compiledTags`: the tags of the compiled document (the stored column's, unless edited by hand). */
function metaOf(rule: StoredRule, alerting: boolean, compiledTags: readonly string[] = []): RuleMeta {
  return {
    ruleId: rule.id,
    ruleRef: rule.sigmaId,
    kind: rule.kind,
    version: rule.version,
    title: rule.title,
    // Sigma's licence asks to credit the author; rules without one are credited to their owner.
    author: rule.author ?? (rule.ownerTenantId ? 'tenant rule' : 'Watchfloor'),
    severity: rule.severityOverride ?? severityOfLevel(rule.level),
    // Once per compile: every alert of the rule shares this list (read-only).
    techniques: techniquesOfTags([...rule.tags, ...compiledTags]),
    alerting,
  };
}

/**
 * Compiles a tenant's stored rules (pure). Enabled correlations pull in the base rules they
 * reference even when those are disabled on their own; such rules and rules referenced only by
 * correlations without `generate: true` feed the correlations without raising alerts.
 */
export function compileTenantRules(rules: readonly StoredRule[], placeholders: Record<string, string[]>, versionKey: string): TenantRules {
  const skipped: { sigmaId: string; reason: string }[] = [];
  const correlations: CompiledCorrelation[] = [];
  const correlationMeta = new Map<string, RuleMeta>();
  const builtins: TenantRules['builtins'] = {};
  const referencedBy = new Map<string, boolean>(); // rule ref → some referencing correlation generates

  for (const rule of rules) {
    if (rule.kind === 'BUILTIN') {
      const name = builtinDetectionName(rule.sigmaId);
      if (name) builtins[name] = { meta: metaOf(rule, rule.enabled), setting: { enabled: rule.enabled, ...(rule.severityOverride ? { severity: rule.severityOverride } : {}) } };
      continue;
    }
    if (rule.kind !== 'CORRELATION' || !rule.enabled) continue;
    const parsed = parseSigmaFile(rule.sourceYaml);
    const doc = parsed.correlations[0];
    const compiled = doc ? compileCorrelation(doc.document) : { ok: false as const, reason: parsed.errors[0]?.reason ?? 'no correlation document' };
    if (!compiled.ok) {
      skipped.push({ sigmaId: rule.sigmaId, reason: compiled.reason });
      continue;
    }
    correlations.push(compiled.correlation);
    correlationMeta.set(compiled.correlation.id, metaOf(rule, true, compiled.correlation.tags));
    for (const ref of compiled.correlation.rules) referencedBy.set(ref, (referencedBy.get(ref) ?? false) || compiled.correlation.generate);
  }

  const compiledRules: CompiledRule[] = [];
  const ruleMeta = new Map<CompiledRule, RuleMeta>();
  const correlationInputs = new Set<CompiledRule>();
  for (const rule of rules) {
    if (rule.kind !== 'SIGMA') continue;
    const refs = [rule.sigmaId, rule.name].filter((x): x is string => !!x);
    const referenced = refs.some((r) => referencedBy.has(r));
    if (!rule.enabled && !referenced) continue;
    const parsed = parseSigmaFile(rule.sourceYaml);
    const doc = parsed.rules[0];
    const compiled = doc ? compileRule(doc, { placeholders }) : { ok: false as const, reason: parsed.errors[0]?.reason ?? 'no rule document' };
    if (!compiled.ok) {
      skipped.push({ sigmaId: rule.sigmaId, reason: compiled.reason });
      continue;
    }
    const generates = refs.some((r) => referencedBy.get(r) === true);
    const alerting = rule.enabled && (!referenced || generates);
    compiledRules.push(compiled.rule);
    ruleMeta.set(compiled.rule, metaOf(rule, alerting, compiled.rule.tags));
    if (referenced) correlationInputs.add(compiled.rule);
  }
  return { versionKey, ruleSet: buildRuleSet(compiledRules), ruleMeta, correlations, correlationMeta, correlationInputs, builtins, skipped };
}

export function placeholdersOf(settings: unknown): Record<string, string[]> {
  const raw = (settings as { placeholders?: unknown } | null)?.placeholders;
  const out: Record<string, string[]> = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, values] of Object.entries(raw as Record<string, unknown>)) {
      const list = Array.isArray(values) ? values : [values];
      const texts = list.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
      if (texts.length > 0) out[name] = texts;
    }
  }
  return out;
}

export interface TenantRuleCache {
  /** The tenant's compiled rules, recompiled only when its rule-set version or placeholders changed. */
  get(tenantId: string, placeholders: Record<string, string[]>): Promise<TenantRules>;
  /** Compilations so far (for tests and metrics). */
  readonly compilations: number;
}

/**
 * Per-process cache. Each call costs two Redis GETs (the global and tenant counters); a changed
 * counter on any worker's import or setting makes every worker recompile on its next batch.
 */
export function createTenantRuleCache(db: TenantDb, versions: RuleVersions, options: { maxTenants?: number } = {}): TenantRuleCache {
  const maxTenants = options.maxTenants ?? 1000;
  const cache = new Map<string, TenantRules>();
  let compilations = 0;
  return {
    get compilations() {
      return compilations;
    },
    async get(tenantId, placeholders) {
      const version = await versions.read(tenantId);
      const key = `${version}:${createHash('sha256').update(JSON.stringify(placeholders)).digest('hex').slice(0, 16)}`;
      const hit = cache.get(tenantId);
      if (hit && hit.versionKey === key) {
        cache.delete(tenantId); // keep recently used tenants last (LRU order)
        cache.set(tenantId, hit);
        return hit;
      }
      const rules = await db.withScope(Scope.tenant(tenantId), (tx) => loadTenantRules(tx, tenantId));
      const compiled = compileTenantRules(rules, placeholders, key);
      compilations++;
      cache.delete(tenantId);
      cache.set(tenantId, compiled);
      while (cache.size > maxTenants) cache.delete(cache.keys().next().value as string);
      return compiled;
    },
  };
}
