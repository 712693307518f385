// The rule store: Sigma rules and correlations as data in detection_rules (global when the owner
// tenant is null), with a version history, per-tenant enablement and the built-in OT detections
// as BUILTIN rows so tenants switch them off the same way.
import { parseAllDocuments } from 'yaml';
import { compileRule, parseSigmaFile, type SigmaRule } from '@watchfloor/detection/sigma';
import { checkCorrelationSet, compileCorrelation, type CompiledCorrelation } from '@watchfloor/detection/correlation';
import { OT_DETECTION_NAMES, type OtDetectionName } from '@watchfloor/detection/ot';
import { Scope, type ScopedTx, type TenantDb, isUuid } from '@watchfloor/tenancy';
import type { RuleVersions } from './rule-versions';

export type RuleKind = 'SIGMA' | 'CORRELATION' | 'BUILTIN';
export type RuleImportStatus = 'IMPORTED' | 'UPDATED' | 'UNCHANGED' | 'REFUSED';

export interface RuleImportItem {
  /** The rule's `id` (else its `name`); null when the document has neither. */
  sigmaId: string | null;
  title: string | null;
  kind: RuleKind | null;
  status: RuleImportStatus;
  /** Why a rule was refused. */
  reason?: string;
  /** detection_rules.id of a stored rule. */
  ruleId?: string;
  version?: number;
  documentIndex: number;
}

export interface RuleImportReport {
  tenantId: string | null;
  actor: string | null;
  items: RuleImportItem[];
  imported: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export interface ImportDetectionRulesInput {
  /** Owner tenant, or null for a global rule (visible to every tenant; needs the all-tenants scope). */
  tenantId: string | null;
  yaml: string;
  /** Who imports (user id or 'system'); returned in the report for the caller's audit entry. */
  actor?: string | null;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_YAML_BYTES = 5 * 1024 * 1024;

/**
 * Placeholder values are per tenant (tenants.settings.placeholders) and resolved when a tenant's
 * rule set is compiled; at import every placeholder gets a dummy value so the rest of the rule is
 * still checked.
 */
const ANY_PLACEHOLDER: Record<string, string[]> = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? ['placeholder'] : undefined) });

/** The Sigma metadata kept with every stored rule (the DRL asks to credit the author wherever a match shows). */
export interface RuleMetadata {
  sigmaId: string;
  name: string | null;
  title: string;
  author: string | null;
  description: string | null;
  level: string;
  status: string | null;
  tags: string[];
  references: string[];
  falsepositives: string[];
  logsource: Record<string, unknown>;
  sourceYaml: string;
}

interface Candidate extends RuleMetadata {
  documentIndex: number;
  kind: 'SIGMA' | 'CORRELATION';
  correlation?: CompiledCorrelation;
}

function textOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function textList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Each YAML document's own text, by document index (same indexes as parseSigmaFile). */
function documentTexts(yaml: string): string[] {
  try {
    return parseAllDocuments(yaml).map((d) => (Array.isArray(d) ? '' : d.toString().trim()));
  } catch {
    return [];
  }
}

function sigmaCandidate(rule: SigmaRule, text: string): Candidate | { refused: string } {
  const sigmaId = rule.id ?? rule.name;
  if (!sigmaId) return { refused: 'rule has neither id nor name, so it cannot be stored or updated' };
  const compiled = compileRule(rule, { placeholders: ANY_PLACEHOLDER });
  if (!compiled.ok) return { refused: compiled.reason };
  return {
    documentIndex: rule.documentIndex,
    sigmaId,
    kind: 'SIGMA',
    title: rule.title,
    name: rule.name ?? null,
    author: rule.author ?? null,
    description: rule.description ?? null,
    level: rule.level ?? 'medium',
    status: rule.status ?? null,
    tags: rule.tags,
    references: rule.references,
    falsepositives: rule.falsepositives,
    logsource: { ...rule.logsource },
    sourceYaml: text,
  };
}

function correlationCandidate(doc: Record<string, unknown>, documentIndex: number, text: string): Candidate | { refused: string } {
  const compiled = compileCorrelation(doc);
  if (!compiled.ok) return { refused: compiled.reason };
  const c = compiled.correlation;
  const sigmaId = c.declaredId ?? c.name;
  if (!sigmaId) return { refused: 'correlation has neither id nor name, so it cannot be stored or updated' };
  return {
    documentIndex,
    sigmaId,
    kind: 'CORRELATION',
    title: c.title,
    name: c.name ?? null,
    author: textOrNull(doc.author),
    description: textOrNull(doc.description),
    level: c.level,
    status: textOrNull(doc.status),
    tags: c.tags,
    references: textList(doc.references),
    falsepositives: textList(doc.falsepositives),
    logsource: {},
    sourceYaml: text,
    correlation: c,
  };
}

function summarise(tenantId: string | null, actor: string | null, items: RuleImportItem[]): RuleImportReport {
  const count = (s: RuleImportStatus) => items.filter((i) => i.status === s).length;
  items.sort((a, b) => a.documentIndex - b.documentIndex);
  return { tenantId, actor, items, imported: count('IMPORTED'), updated: count('UPDATED'), unchanged: count('UNCHANGED'), refused: count('REFUSED') };
}

interface StoredRuleRow {
  id: string;
  sigma_id: string;
  name: string | null;
  kind: RuleKind;
  source_yaml: string;
  version: number;
}

/**
 * Imports a Sigma file (one or many documents: rules and correlations). Every document is compiled
 * first; refused ones are reported with the reason and not stored. New rules are IMPORTED
 * (version 1), changed ones UPDATED (version + 1, a detection_rule_versions row each), identical
 * ones UNCHANGED. Global filter documents are refused (the store keeps rules and correlations).
 * Never throws for bad input; database failures propagate.
 */
export async function importDetectionRules(db: TenantDb, versions: RuleVersions | null, input: ImportDetectionRulesInput): Promise<RuleImportReport> {
  const tenantId = input.tenantId ?? null;
  const actor = input.actor ?? null;
  const items: RuleImportItem[] = [];
  const refuseAll = (reason: string) => summarise(tenantId, actor, [{ sigmaId: null, title: null, kind: null, status: 'REFUSED', reason, documentIndex: 0 }]);
  if (tenantId !== null && !isUuid(tenantId)) return refuseAll(`tenantId is not a uuid: ${JSON.stringify(tenantId)}`);
  if (typeof input.yaml !== 'string' || input.yaml.trim() === '') {
    return summarise(tenantId, actor, [{ sigmaId: null, title: null, kind: null, status: 'REFUSED', reason: 'the YAML text is empty', documentIndex: 0 }]);
  }
  if (Buffer.byteLength(input.yaml) > MAX_YAML_BYTES) {
    return summarise(tenantId, actor, [{ sigmaId: null, title: null, kind: null, status: 'REFUSED', reason: `the YAML text is larger than ${MAX_YAML_BYTES} bytes`, documentIndex: 0 }]);
  }
  const parsed = parseSigmaFile(input.yaml);
  const texts = documentTexts(input.yaml);
  for (const e of parsed.errors) items.push({ sigmaId: null, title: null, kind: null, status: 'REFUSED', reason: e.reason, documentIndex: e.documentIndex });
  for (const f of parsed.filters) {
    items.push({ sigmaId: f.id ?? null, title: f.title ?? null, kind: null, status: 'REFUSED', reason: 'Sigma filter documents are not stored by the rule store (use suppressions or edit the rule)', documentIndex: f.documentIndex });
  }

  const candidates: Candidate[] = [];
  const refuse = (documentIndex: number, sigmaId: string | null, title: string | null, kind: RuleKind, reason: string) =>
    items.push({ sigmaId, title, kind, status: 'REFUSED', reason, documentIndex });
  for (const rule of parsed.rules) {
    const c = sigmaCandidate(rule, texts[rule.documentIndex] ?? '');
    if ('refused' in c) refuse(rule.documentIndex, rule.id ?? rule.name ?? null, rule.title, 'SIGMA', c.refused);
    else candidates.push(c);
  }
  for (const corr of parsed.correlations) {
    const c = correlationCandidate(corr.document, corr.documentIndex, texts[corr.documentIndex] ?? '');
    if ('refused' in c) refuse(corr.documentIndex, corr.id ?? corr.name ?? null, corr.title ?? null, 'CORRELATION', c.refused);
    else candidates.push(c);
  }
  // One file may not define a sigma id twice: which one would win is arbitrary.
  const seen = new Map<string, number>();
  for (const c of candidates) seen.set(c.sigmaId, (seen.get(c.sigmaId) ?? 0) + 1);
  const duplicated = candidates.filter((c) => (seen.get(c.sigmaId) ?? 0) > 1);
  for (const c of duplicated) refuse(c.documentIndex, c.sigmaId, c.title, c.kind, `the id "${c.sigmaId}" appears more than once in this file`);
  let accepted = candidates.filter((c) => (seen.get(c.sigmaId) ?? 0) === 1);

  const scope = tenantId === null ? Scope.all('import global detection rules') : Scope.tenant(tenantId);
  let changed = false;
  const tenantKnown = await db.withScope(scope, async (tx) => {
    if (tenantId !== null && (await tx.query(`SELECT 1 FROM tenants WHERE id = $1`, [tenantId])).length === 0) return false;
    // Serialise imports per owner so two imports of the same rule cannot both insert it.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wf:rules:' || $1::text))`, [tenantId ?? ZERO_UUID]);
    const visible = await tx.query<StoredRuleRow & { owner_tenant_id: string | null }>(
      `SELECT id, sigma_id, name, kind, source_yaml, version, owner_tenant_id FROM detection_rules
        WHERE owner_tenant_id IS NULL OR owner_tenant_id = $1`,
      [tenantId],
    );
    const own = new Map(visible.filter((r) => (r.owner_tenant_id ?? null) === tenantId).map((r) => [r.sigma_id, r]));

    accepted = checkCorrelations(accepted, visible, tenantId, refuse);

    for (const c of accepted) {
      const existing = own.get(c.sigmaId);
      if (existing && existing.kind === 'BUILTIN') {
        refuse(c.documentIndex, c.sigmaId, c.title, c.kind, `"${c.sigmaId}" is a built-in detection and cannot be replaced`);
        continue;
      }
      if (existing && existing.source_yaml === c.sourceYaml && existing.kind === c.kind) {
        items.push({ sigmaId: c.sigmaId, title: c.title, kind: c.kind, status: 'UNCHANGED', ruleId: existing.id, version: existing.version, documentIndex: c.documentIndex });
        continue;
      }
      const row = await storeRule(tx, tenantId, c, existing ?? null);
      changed = true;
      items.push({ sigmaId: c.sigmaId, title: c.title, kind: c.kind, status: existing ? 'UPDATED' : 'IMPORTED', ruleId: row.id, version: row.version, documentIndex: c.documentIndex });
    }
    return true;
  });
  if (!tenantKnown) return refuseAll(`no tenant ${tenantId}`);
  if (changed && versions) await versions.bump(tenantId);
  return summarise(tenantId, actor, items);
}

/** Correlations must reference rules that exist (in this file or visible to the owner) and form no cycle. */
function checkCorrelations(
  accepted: Candidate[],
  visible: (StoredRuleRow & { owner_tenant_id: string | null })[],
  tenantId: string | null,
  refuse: (documentIndex: number, sigmaId: string | null, title: string | null, kind: RuleKind, reason: string) => void,
): Candidate[] {
  const known = new Set<string>();
  for (const r of visible) {
    if (tenantId === null && r.owner_tenant_id !== null) continue; // a global correlation sees only global rules
    known.add(r.sigma_id);
    if (r.name) known.add(r.name);
  }
  for (const c of accepted) {
    known.add(c.sigmaId);
    if (c.name) known.add(c.name);
  }
  const out: Candidate[] = [];
  for (const c of accepted) {
    const missing = c.correlation ? c.correlation.rules.filter((r) => !known.has(r)) : [];
    if (missing.length > 0) refuse(c.documentIndex, c.sigmaId, c.title, c.kind, `correlation references unknown rule(s): ${missing.join(', ')}`);
    else out.push(c);
  }
  const correlations = out.filter((c) => c.correlation).map((c) => c.correlation as CompiledCorrelation);
  const set = checkCorrelationSet(correlations);
  if (!set.ok) {
    for (const c of out.filter((x) => x.correlation)) refuse(c.documentIndex, c.sigmaId, c.title, c.kind, set.reason);
    return out.filter((c) => !c.correlation);
  }
  return out;
}

async function storeRule(tx: ScopedTx, tenantId: string | null, c: Candidate, existing: StoredRuleRow | null): Promise<{ id: string; version: number }> {
  const values = [c.name, c.kind, c.title, c.author, c.description, c.level, c.status, c.tags, c.references, c.falsepositives, JSON.stringify(c.logsource), c.sourceYaml];
  let row: { id: string; version: number };
  if (existing) {
    [row] = await tx.query<{ id: string; version: number }>(
      `WITH u AS (UPDATE detection_rules SET name = $2, kind = $3, title = $4, author = $5, description = $6, level = $7, status = $8, tags = $9,
              references_ = $10, falsepositives = $11, logsource = $12::jsonb, source_yaml = $13, version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING id, version) SELECT * FROM u`,
      [existing.id, ...values],
    );
  } else {
    [row] = await tx.query<{ id: string; version: number }>(
      `INSERT INTO detection_rules (owner_tenant_id, sigma_id, name, kind, title, author, description, level, status, tags, references_, falsepositives, logsource, source_yaml)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14) RETURNING id, version`,
      [tenantId, c.sigmaId, ...values],
    );
  }
  await tx.query(`INSERT INTO detection_rule_versions (rule_id, version, owner_tenant_id, source_yaml) VALUES ($1, $2, $3, $4)`, [row.id, row.version, tenantId, c.sourceYaml]);
  return row;
}

// ---- built-in OT detections ------------------------------------------------------------------

export const BUILTIN_SIGMA_PREFIX = 'watchfloor.ot.';

interface BuiltinDefinition {
  name: OtDetectionName;
  title: string;
  level: string;
  description: string;
}

const BUILTINS: readonly BuiltinDefinition[] = [
  { name: 'segmentation_violation', title: 'OT segmentation violation', level: 'high', description: 'A flow between two zones that no conduit allows.' },
  { name: 'control_write', title: 'Unexpected control write to a level 0-2 asset', level: 'high', description: 'A write, control or program operation to a control-level target from a source that is not allowed.' },
  { name: 'remote_access', title: 'Remote access into a control level', level: 'high', description: 'A remote-access session into a level 0-2 target from outside the allowed jump hosts.' },
  { name: 'unknown_host', title: 'Unknown device in a control zone', level: 'medium', description: 'A source address inside a level 0-2 zone that is not a known asset.' },
  { name: 'sensor_silence', title: 'Sensor silent', level: 'medium', description: 'A sensor has sent no events for longer than expected.' },
];

export function builtinSigmaId(name: OtDetectionName): string {
  return `${BUILTIN_SIGMA_PREFIX}${name}`;
}

/** The OT detection a BUILTIN rule row stands for, or null. */
export function builtinDetectionName(sigmaId: string): OtDetectionName | null {
  if (!sigmaId.startsWith(BUILTIN_SIGMA_PREFIX)) return null;
  const name = sigmaId.slice(BUILTIN_SIGMA_PREFIX.length) as OtDetectionName;
  return OT_DETECTION_NAMES.includes(name) ? name : null;
}

/** Creates or refreshes the BUILTIN rows (global). Idempotent; returns how many rows changed. */
export async function ensureBuiltinRules(db: TenantDb): Promise<number> {
  return db.withScope(Scope.all('register built-in OT detections'), async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wf:rules:' || $1::text))`, [ZERO_UUID]);
    let changed = 0;
    for (const b of BUILTINS) {
      const source = `# Built-in OT detection "${b.name}" (docs/ot-detections.md); not editable.\ntitle: ${b.title}\nlevel: ${b.level}\n`;
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO detection_rules (owner_tenant_id, sigma_id, name, kind, title, author, description, level, status, tags, source_yaml)
         VALUES (NULL, $1, $2, 'BUILTIN', $3, 'Watchfloor', $4, $5, 'stable', '{attack.ics}', $6)
         ON CONFLICT ((coalesce(owner_tenant_id, '${ZERO_UUID}'::uuid)), sigma_id) DO UPDATE
           SET title = EXCLUDED.title, description = EXCLUDED.description, level = EXCLUDED.level, source_yaml = EXCLUDED.source_yaml, updated_at = now()
           WHERE detection_rules.source_yaml IS DISTINCT FROM EXCLUDED.source_yaml
         RETURNING id, version`,
        [builtinSigmaId(b.name), b.name, b.title, b.description, b.level, source],
      );
      if (rows.length > 0) changed++;
    }
    return changed;
  });
}

// ---- per-tenant settings and listing ------------------------------------------------------------

export type RuleStoreError = { ok: false; code: 'NOT_FOUND' | 'BAD_USER_INPUT'; message: string };

export interface DetectionRuleView extends RuleMetadata {
  id: string;
  ownerTenantId: string | null;
  kind: RuleKind;
  version: number;
  /** For the tenant asked about: its setting, else the rule's default. Null in a global listing. */
  enabled: boolean | null;
  severityOverride: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface RuleViewRow {
  id: string;
  owner_tenant_id: string | null;
  sigma_id: string;
  name: string | null;
  kind: RuleKind;
  title: string;
  author: string | null;
  description: string | null;
  level: string;
  status: string | null;
  tags: string[];
  references_: string[];
  falsepositives: string[];
  logsource: Record<string, unknown>;
  source_yaml: string;
  version: number;
  enabled: boolean | null;
  severity_override: string | null;
  created_at: Date;
  updated_at: Date;
}

function toView(r: RuleViewRow): DetectionRuleView {
  return {
    id: r.id,
    ownerTenantId: r.owner_tenant_id,
    sigmaId: r.sigma_id,
    name: r.name,
    kind: r.kind,
    title: r.title,
    author: r.author,
    description: r.description,
    level: r.level,
    status: r.status,
    tags: r.tags,
    references: r.references_,
    falsepositives: r.falsepositives,
    logsource: r.logsource,
    sourceYaml: r.source_yaml,
    version: r.version,
    enabled: r.enabled,
    severityOverride: r.severity_override,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const VIEW_SELECT = `SELECT r.id, r.owner_tenant_id, r.sigma_id, r.name, r.kind, r.title, r.author, r.description, r.level, r.status, r.tags,
       r.references_, r.falsepositives, r.logsource, r.source_yaml, r.version, r.created_at, r.updated_at,
       CASE WHEN $1::uuid IS NULL THEN NULL ELSE coalesce(s.enabled, r.enabled_by_default) END AS enabled, s.severity_override
  FROM detection_rules r LEFT JOIN tenant_rule_settings s ON s.rule_id = r.id AND s.tenant_id = $1::uuid`;

/** Turns a rule on or off for one tenant (tenant_rule_settings); the rule must be global or the tenant's. */
export async function setRuleEnabled(
  db: TenantDb,
  versions: RuleVersions | null,
  input: { ruleId: string; tenantId: string; enabled: boolean },
): Promise<{ ok: true; rule: DetectionRuleView } | RuleStoreError> {
  if (!isUuid(String(input.ruleId))) return { ok: false, code: 'BAD_USER_INPUT', message: `ruleId is not a uuid: ${JSON.stringify(input.ruleId)}` };
  if (!isUuid(String(input.tenantId))) return { ok: false, code: 'BAD_USER_INPUT', message: `tenantId is not a uuid: ${JSON.stringify(input.tenantId)}` };
  if (typeof input.enabled !== 'boolean') return { ok: false, code: 'BAD_USER_INPUT', message: 'enabled must be true or false' };
  const rule = await db.withScope(Scope.tenant(input.tenantId), async (tx) => {
    const found = await tx.query<{ id: string }>(`SELECT id FROM detection_rules WHERE id = $1 AND (owner_tenant_id IS NULL OR owner_tenant_id = $2)`, [input.ruleId, input.tenantId]);
    if (found.length === 0) return null;
    await tx.query(
      `INSERT INTO tenant_rule_settings (tenant_id, rule_id, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, rule_id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [input.tenantId, input.ruleId, input.enabled],
    );
    const [row] = await tx.query<RuleViewRow>(`${VIEW_SELECT} WHERE r.id = $2`, [input.tenantId, input.ruleId]);
    return toView(row);
  });
  if (!rule) return { ok: false, code: 'NOT_FOUND', message: `no detection rule ${input.ruleId} for this tenant` };
  if (versions) await versions.bump(input.tenantId);
  return { ok: true, rule };
}

/**
 * Rules a tenant sees (global + its own, with its enabled state), or only the global rules when
 * tenantId is null. Ordered by title, then id; `after` is the last id of the previous page.
 */
export async function listDetectionRules(
  db: TenantDb,
  input: { tenantId: string | null; first?: number; after?: string | null },
): Promise<{ ok: true; rules: DetectionRuleView[]; totalCount: number; hasNextPage: boolean } | RuleStoreError> {
  const tenantId = input.tenantId ?? null;
  if (tenantId !== null && !isUuid(String(tenantId))) return { ok: false, code: 'BAD_USER_INPUT', message: `tenantId is not a uuid: ${JSON.stringify(tenantId)}` };
  const first = input.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > 1000) return { ok: false, code: 'BAD_USER_INPUT', message: 'first must be an integer between 1 and 1000' };
  if (input.after != null && !isUuid(String(input.after))) return { ok: false, code: 'BAD_USER_INPUT', message: 'after must be a rule id from a previous page' };
  const scope = tenantId === null ? Scope.all('list global detection rules') : Scope.tenant(tenantId);
  return db.withScope(scope, async (tx) => {
    const where = tenantId === null ? 'r.owner_tenant_id IS NULL' : '(r.owner_tenant_id IS NULL OR r.owner_tenant_id = $1::uuid)';
    const all = await tx.query<RuleViewRow>(`${VIEW_SELECT} WHERE ${where} ORDER BY r.title, r.id`, [tenantId]);
    const afterIndex = input.after ? all.findIndex((r) => r.id === input.after) : -1;
    if (input.after && afterIndex < 0) return { ok: false as const, code: 'BAD_USER_INPUT' as const, message: 'after names no rule of this listing' };
    const start = afterIndex + 1;
    const page = all.slice(start, start + first);
    return { ok: true as const, rules: page.map(toView), totalCount: all.length, hasNextPage: start + first < all.length };
  });
}
