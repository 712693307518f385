import { createCorrelationEngine } from '@watchfloor/detection/correlation';
import { createDetector, type Detector, type DetectorOptions } from '@watchfloor/detection/pipeline';
import { createRuleVersions, createTenantRuleCache, importShippedRules } from '@watchfloor/detection/rules';
import type { TestDatabase, TestRedis } from './harness';

/**
 * The detect pipeline as the worker builds it, on a test file's own database and Redis prefix:
 * the shipped rules imported (rule versions under `<prefix>:`), a tenant rule cache, the
 * correlation engine and the detector's own keys under the same prefix. `emit` receives the
 * incident changes of each committed batch. `importRules: false` skips the import, for a file that
 * imports the shipped rules once and builds several detectors ("workers") on them.
 */
export async function testDetector(
  t: TestDatabase,
  r: TestRedis,
  options: { emit?: DetectorOptions['emit']; importRules?: boolean } = {},
): Promise<Detector> {
  const prefix = `${r.prefix}:`;
  const versions = createRuleVersions(r.redis, prefix);
  if (options.importRules !== false) await importShippedRules(t.db, versions);
  return createDetector({
    db: t.db,
    redis: r.redis,
    rules: createTenantRuleCache(t.db, versions),
    correlation: createCorrelationEngine({ redis: r.redis, prefix }),
    keyPrefix: prefix,
    emit: options.emit,
  });
}
