import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { appendAudit, PLATFORM_AUDIT_TENANT } from '@watchfloor/audit';
import { type Caller, callerSees, CurrentCaller, isCustomer, Role, Roles, withCallerScope } from '@watchfloor/auth';
import {
  createRuleVersions, type DetectionRuleView, importDetectionRules, listDetectionRules, type RuleImportReport, type RuleVersions, setRuleEnabled,
  techniquesOfTags,
} from '@watchfloor/detection/rules';
import { forbidden, invalidInput, notFound } from '@watchfloor/errors';
import { type Connection, decodeCursor, encodeCursor, pageSize } from '@watchfloor/pagination';
import { REDIS, type RedisClient } from '@watchfloor/queue';
import { TenantDb, isUuid } from '@watchfloor/tenancy';
import { serviceError } from './service-errors';
import { SOC_ADMIN_OPTIONS, type SocAdminOptions } from './soc-admin.options';
import { DetectionRuleConnection, DetectionRuleObject, RuleImportResultObject, type RuleImportItemObject, RuleKind, RuleImportStatus } from './detection-rules.types';

const RULE_EDITORS = [Role.PLATFORM_ADMIN, Role.SOC_LEAD];

/** A tenant id the caller may act on: malformed → BAD_USER_INPUT, another tenant's → NOT_FOUND. */
function visibleTenant(caller: Caller, tenantId: string): string {
  if (!isUuid(tenantId)) throw invalidInput(`tenantId must be a tenant id, got ${JSON.stringify(tenantId)}`);
  if (!callerSees(caller, tenantId)) throw notFound('tenant', tenantId);
  return tenantId.toLowerCase();
}

/** Customers see what an alert credits (title, author, level, techniques); the rest is SOC-only. */
export function presentRule(rule: DetectionRuleView, customer: boolean): DetectionRuleObject {
  const shown = {
    id: rule.id,
    title: rule.title,
    author: rule.author,
    level: rule.level,
    techniques: techniquesOfTags(rule.tags),
  };
  if (customer) {
    return {
      ...shown, sigmaId: null, status: null, description: null, tags: null, references: null, falsepositives: null, kind: null, version: null,
      global: null, enabled: null, logsource: null, sourceYaml: null, updatedAt: null,
    };
  }
  return {
    ...shown,
    sigmaId: rule.sigmaId,
    status: rule.status,
    description: rule.description,
    tags: rule.tags,
    references: rule.references,
    falsepositives: rule.falsepositives,
    kind: rule.kind as RuleKind,
    version: rule.version,
    global: rule.ownerTenantId === null,
    enabled: rule.enabled,
    logsource: rule.logsource,
    sourceYaml: rule.sourceYaml,
    updatedAt: rule.updatedAt,
  };
}

function presentReport(report: RuleImportReport): RuleImportResultObject {
  return {
    tenantId: report.tenantId,
    imported: report.imported,
    updated: report.updated,
    unchanged: report.unchanged,
    refused: report.refused,
    items: report.items.map(
      (i): RuleImportItemObject => ({
        sigmaId: i.sigmaId,
        title: i.title,
        kind: (i.kind as RuleKind | null) ?? null,
        status: i.status as RuleImportStatus,
        reason: i.reason ?? null,
        ruleId: i.ruleId ?? null,
        version: i.version ?? null,
        documentIndex: i.documentIndex,
      }),
    ),
  };
}

@Resolver(() => DetectionRuleObject)
export class DetectionRulesResolver {
  private readonly versions: RuleVersions;

  constructor(
    private readonly db: TenantDb,
    @Inject(REDIS) redis: RedisClient,
    @Inject(SOC_ADMIN_OPTIONS) options: SocAdminOptions,
  ) {
    this.versions = createRuleVersions(redis, options.ruleKeyPrefix);
  }

  @Query(() => DetectionRuleConnection, {
    description: 'Rules a tenant runs (global and its own, with its enabled state) by title; without tenantId the global rules only.',
  })
  async detectionRules(
    @CurrentCaller() caller: Caller,
    @Args('tenantId', { type: () => ID, nullable: true }) tenantId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<DetectionRuleObject>> {
    const tenant = tenantId === null || tenantId === undefined ? null : visibleTenant(caller, tenantId);
    const limit = pageSize(first);
    const cursor = decodeCursor(after, 1);
    const afterId = cursor ? String(cursor[0]) : null;
    // The store pages from 1; a count-only request (first: 0) reads one row and shows none.
    const result = await listDetectionRules(this.db, { tenantId: tenant, first: Math.max(limit, 1), after: afterId });
    if (!result.ok) throw serviceError(result.code, result.message);
    const customer = isCustomer(caller);
    const rules = result.rules.slice(0, limit);
    const edges = rules.map((r) => ({ cursor: encodeCursor([r.id]), node: presentRule(r, customer) }));
    return {
      edges,
      pageInfo: { hasNextPage: limit === 0 ? result.rules.length > 0 : result.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
      totalCount: result.totalCount,
    };
  }

  @Roles(...RULE_EDITORS)
  @Mutation(() => RuleImportResultObject, {
    description:
      'Imports Sigma rules and correlations (one or many YAML documents). tenantId null imports global rules (PLATFORM_ADMIN only). ' +
      'Each document is IMPORTED, UPDATED, UNCHANGED or REFUSED with the reason; unsupported features are refused, never run differently.',
  })
  async importDetectionRules(
    @CurrentCaller() caller: Caller,
    @Args('tenantId', { type: () => ID, nullable: true }) tenantId: string | null,
    @Args('yaml') yaml: string,
  ): Promise<RuleImportResultObject> {
    let tenant: string | null = null;
    if (tenantId === null || tenantId === undefined) {
      if (caller.role !== Role.PLATFORM_ADMIN) throw forbidden('only a platform admin imports global rules; give tenantId for a tenant rule');
    } else {
      tenant = visibleTenant(caller, tenantId);
      // The store writes in its own transaction: make sure the tenant exists first.
      const found = await withCallerScope(this.db, caller, (tx) => tx.query(`SELECT 1 FROM tenants WHERE id = $1`, [tenant]));
      if (found.length === 0) throw notFound('tenant', tenant);
    }
    const report = await importDetectionRules(this.db, this.versions, { tenantId: tenant, yaml, actor: caller.userId });
    if (report.imported + report.updated > 0) {
      const changed = report.items.filter((i) => i.status === 'IMPORTED' || i.status === 'UPDATED').map((i) => ({ sigmaId: i.sigmaId, ruleId: i.ruleId, version: i.version, status: i.status }));
      await withCallerScope(this.db, caller, (tx) =>
        appendAudit(tx, {
          tenantId: tenant ?? PLATFORM_AUDIT_TENANT, actorId: caller.userId, actorKind: 'user', action: 'detection_rules.imported', targetType: 'detection_rule',
          targetId: null, after: { global: tenant === null, rules: changed, refused: report.refused }, requestId: caller.requestId,
        }),
      );
    }
    return presentReport(report);
  }

  @Roles(...RULE_EDITORS)
  @Mutation(() => DetectionRuleObject, { description: "Turns a global or the tenant's own rule on or off for that tenant." })
  async setRuleEnabled(
    @CurrentCaller() caller: Caller,
    @Args('ruleId', { type: () => ID }) ruleId: string,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('enabled') enabled: boolean,
  ): Promise<DetectionRuleObject> {
    const tenant = visibleTenant(caller, tenantId);
    const result = await setRuleEnabled(this.db, this.versions, { ruleId, tenantId: tenant, enabled });
    if (!result.ok) throw serviceError(result.code, result.message);
    await withCallerScope(this.db, caller, (tx) =>
      appendAudit(tx, {
        tenantId: tenant, actorId: caller.userId, actorKind: 'user', action: enabled ? 'detection_rule.enabled' : 'detection_rule.disabled',
        targetType: 'detection_rule', targetId: result.rule.id, after: { sigmaId: result.rule.sigmaId, enabled }, requestId: caller.requestId,
      }),
    );
    return presentRule(result.rule, false);
  }
}
