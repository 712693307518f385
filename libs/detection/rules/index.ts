// The detection rule store: Sigma rules and correlations as data, built-in OT detections as rows,
// per-tenant enablement, rule-set versions in Redis and the per-worker compiled rule cache.
export {
  importDetectionRules,
  setRuleEnabled,
  listDetectionRules,
  ensureBuiltinRules,
  builtinSigmaId,
  builtinDetectionName,
  BUILTIN_SIGMA_PREFIX,
} from './rule-import';
export type {
  RuleKind,
  RuleImportStatus,
  RuleImportItem,
  RuleImportReport,
  ImportDetectionRulesInput,
  DetectionRuleView,
  RuleStoreError,
} from './rule-import';
export { createRuleVersions, detectionKeyPrefix, ruleVersionKeys, type RuleVersions } from './rule-versions';
export {
  loadTenantRules,
  compileTenantRules,
  createTenantRuleCache,
  placeholdersOf,
  severityOfLevel,
  techniquesOfTags,
} from './tenant-rule-set';
export type { StoredRule, RuleMeta, TenantRules, TenantRuleCache } from './tenant-rule-set';
export { importShippedRules, type ShippedRulesReport } from './global-rules';
export { createRuleStore, type RuleStore } from './rule-store';
export { findRepositoryRoot, readRuleFiles } from './repository-root';
