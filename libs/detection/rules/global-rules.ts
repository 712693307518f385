// Global rules shipped with the product (rules/**/*.yml) and the built-in OT detection rows are
// registered at worker boot. Both steps are idempotent: unchanged rules stay UNCHANGED and no
// version is bumped, so every worker of a fleet may run them.
import path from 'node:path';
import type { TenantDb } from '@watchfloor/tenancy';
import { ensureBuiltinRules, importDetectionRules, type RuleImportReport } from './rule-import';
import { findRepositoryRoot, readRuleFiles } from './repository-root';
import type { RuleVersions } from './rule-versions';

export interface ShippedRulesReport {
  files: { file: string; report: RuleImportReport }[];
  builtinsChanged: number;
}

export async function importShippedRules(db: TenantDb, versions: RuleVersions | null, options: { rulesDir?: string } = {}): Promise<ShippedRulesReport> {
  const dir = options.rulesDir ?? path.join(findRepositoryRoot(__dirname), 'rules');
  const builtinsChanged = await ensureBuiltinRules(db);
  if (builtinsChanged > 0 && versions) await versions.bump(null);
  // Base rules before correlations: a correlation is refused when the rules it names are unknown.
  const files = readRuleFiles(dir).sort((a, b) => Number(a.file.includes(`${path.sep}correlation${path.sep}`)) - Number(b.file.includes(`${path.sep}correlation${path.sep}`)));
  const out: ShippedRulesReport = { files: [], builtinsChanged };
  for (const f of files) {
    out.files.push({ file: path.relative(dir, f.file), report: await importDetectionRules(db, versions, { tenantId: null, yaml: f.yaml, actor: 'system' }) });
  }
  return out;
}
