import crypto from 'node:crypto';
import { Role } from '@watchfloor/auth';
import { createRuleVersions } from '@watchfloor/detection/rules';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';
import { sigmaRuleYaml } from './testing/soc-admin-fixtures';
import { seedTenantsAndTokens } from './testing/tenant-tokens';

const IMPORT = `mutation($t: ID, $y: String!) { importDetectionRules(tenantId: $t, yaml: $y) {
  tenantId imported updated unchanged refused items { sigmaId title kind status reason ruleId version documentIndex } } }`;
const LIST = `query($t: ID, $first: Int, $after: String) { detectionRules(tenantId: $t, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id sigmaId title author level status tags techniques references falsepositives kind version global enabled logsource sourceYaml } } } }`;
const SET = `mutation($r: ID!, $t: ID!, $e: Boolean!) { setRuleEnabled(ruleId: $r, tenantId: $t, enabled: $e) { id sigmaId enabled global } }`;

type Item = { sigmaId: string | null; status: string; reason: string | null; ruleId: string | null; version: number | null; kind: string | null; documentIndex: number };
type Node = Record<string, any>;

describe('detection rules over GraphQL', () => {
  let api: ApiTestApp;
  let tenantA: string;
  let tenantB: string;
  let tok: Record<string, string>;

  beforeAll(async () => {
    api = await startApiTestApp();
    ({ tenantA, tenantB, tokens: tok } = await seedTenantsAndTokens(api, {
      admin: Role.PLATFORM_ADMIN,
      lead: Role.SOC_LEAD,
      leadAB: { role: Role.SOC_LEAD, tenants: ['A', 'B'] },
      leadB: { role: Role.SOC_LEAD, tenants: ['B'] },
      analyst: Role.SOC_ANALYST,
      customer: Role.CUSTOMER_VIEWER,
    }));
  });
  afterAll(() => api.close());

  async function importRules(token: string, tenantId: string | null, yaml: string) {
    return api.gql<{ importDetectionRules: { tenantId: string | null; imported: number; updated: number; unchanged: number; refused: number; items: Item[] } }>(token, IMPORT, { t: tenantId, y: yaml });
  }
  async function list(token: string, tenantId: string | null, first?: number, after?: string | null) {
    return api.gql<{ detectionRules: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: Node }[] } }>(token, LIST, { t: tenantId, first, after });
  }

  it('imports a tenant rule, reports UNCHANGED and UPDATED on re-import, refuses unsupported documents with the reason, and bumps the rule-set version', async () => {
    const sigmaId = crypto.randomUUID();
    const versions = createRuleVersions(api.redis.redis, `${api.redis.prefix}:`);
    expect(await versions.read(tenantA)).toBe('0:0');
    const refusedDoc = ['title: Legacy count', `id: ${crypto.randomUUID()}`, 'logsource:', '  product: zeek', 'detection:', '  sel:', '    a: 1', '  condition: sel | count() > 5', ''].join('\n');
    const first = await importRules(tok.lead, tenantA, `${sigmaRuleYaml({ id: sigmaId })}---\n${refusedDoc}`);
    expect(first.errors).toBeUndefined();
    const r1 = first.data!.importDetectionRules;
    expect(r1).toMatchObject({ tenantId: tenantA, imported: 1, updated: 0, unchanged: 0, refused: 1 });
    expect(r1.items[0]).toMatchObject({ sigmaId, status: 'IMPORTED', kind: 'SIGMA', version: 1, documentIndex: 0 });
    expect(r1.items[1]).toMatchObject({ status: 'REFUSED', ruleId: null, documentIndex: 1 });
    expect(r1.items[1].reason).toMatch(/count\(\)|aggregation/);
    expect(await versions.read(tenantA)).toBe('0:1');

    const again = (await importRules(tok.lead, tenantA, sigmaRuleYaml({ id: sigmaId }))).data!.importDetectionRules;
    expect(again.items[0]).toMatchObject({ status: 'UNCHANGED', ruleId: r1.items[0].ruleId, version: 1 });
    expect(await versions.read(tenantA)).toBe('0:1');

    const changed = (await importRules(tok.lead, tenantA, sigmaRuleYaml({ id: sigmaId, field: 'function' }))).data!.importDetectionRules;
    expect(changed.items[0]).toMatchObject({ status: 'UPDATED', ruleId: r1.items[0].ruleId, version: 2 });
    expect(await versions.read(tenantA)).toBe('0:2');

    const [audit] = await api.t.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'detection_rules.imported'`, [tenantA]);
    expect(audit.n).toBe(2);
  });

  it('refuses empty YAML as a REFUSED item, a malformed tenant id as BAD_USER_INPUT, and global imports by anyone but a platform admin', async () => {
    const empty = (await importRules(tok.lead, tenantA, '   ')).data!.importDetectionRules;
    expect(empty).toMatchObject({ imported: 0, refused: 1 });
    expect(empty.items[0].reason).toMatch(/empty/);
    expect((await importRules(tok.admin, 'not-a-tenant', sigmaRuleYaml())).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await importRules(tok.lead, null, sigmaRuleYaml())).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await importRules(tok.analyst, tenantA, sigmaRuleYaml())).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await importRules(tok.customer, tenantA, sigmaRuleYaml())).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await importRules(tok.admin, crypto.randomUUID(), sigmaRuleYaml())).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('lists global and own rules with the tenant enabled state, pages with cursors, and never shows another tenant\'s rules', async () => {
    const globalId = `global-${crypto.randomUUID()}`;
    const g = (await importRules(tok.admin, null, sigmaRuleYaml({ id: globalId, title: 'AAA global rule', author: 'Florian Roth' }))).data!.importDetectionRules;
    expect(g).toMatchObject({ tenantId: null, imported: 1 });
    const bOwn = `b-${crypto.randomUUID()}`;
    expect((await importRules(tok.leadB, tenantB, sigmaRuleYaml({ id: bOwn, title: 'Beta private rule' }))).data!.importDetectionRules.imported).toBe(1);

    const all = (await list(tok.lead, tenantA, 100)).data!.detectionRules;
    const nodes = all.edges.map((e) => e.node);
    expect(all.totalCount).toBe(nodes.length);
    expect(nodes.map((n) => n.sigmaId)).not.toContain(bOwn);
    const globalRule = nodes.find((n) => n.sigmaId === globalId)!;
    expect(globalRule).toMatchObject({
      title: 'AAA global rule', author: 'Florian Roth', level: 'high', status: 'test', techniques: ['T0855'], tags: ['attack.t0855', 'attack.ics'],
      references: ['https://attack.mitre.org/techniques/T0855/'], falsepositives: ['Maintenance windows'], kind: 'SIGMA', version: 1, global: true, enabled: true,
      logsource: { product: 'zeek', service: 'modbus' },
    });
    expect(globalRule.sourceYaml).toContain(globalId);
    expect(nodes.some((n) => n.global === false)).toBe(true);

    // Pages of one follow each other without gaps or repeats.
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < nodes.length; i++) {
      const page: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Node }[] } = (await list(tok.lead, tenantA, 1, after)).data!.detectionRules;
      expect(page.edges).toHaveLength(1);
      seen.push(page.edges[0].node.id);
      expect(page.pageInfo.hasNextPage).toBe(i < nodes.length - 1);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(nodes.map((n) => n.id));

    // Without a tenant: the global rules only, no enabled state.
    const globals = (await list(tok.lead, null, 100)).data!.detectionRules.edges.map((e) => e.node);
    expect(globals.every((n) => n.global === true && n.enabled === null)).toBe(true);
    expect(globals.map((n) => n.sigmaId)).toContain(globalId);

    expect((await list(tok.lead, tenantB)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await list(tok.lead, tenantA, -1)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await list(tok.lead, tenantA, 5, 'garbage')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows customers only title, author, level and techniques', async () => {
    const res = await list(tok.customer, tenantA, 100);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.detectionRules.edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(typeof n.title).toBe('string');
      expect(n.techniques).toEqual(expect.any(Array));
      for (const hidden of ['sigmaId', 'status', 'tags', 'references', 'falsepositives', 'kind', 'version', 'global', 'enabled', 'logsource', 'sourceYaml']) expect(n[hidden]).toBeNull();
    }
    expect(nodes.some((n) => n.author === 'Jane Analyst')).toBe(true);
    expect(JSON.stringify(res.data)).not.toMatch(/selection|write_single_register|zeek|attack\.ics/);
  });

  it('switches a global rule off for one tenant only; refuses other tenants\' rules, bad ids and non-leads', async () => {
    const globalId = `switch-${crypto.randomUUID()}`;
    const ruleId = (await importRules(tok.admin, null, sigmaRuleYaml({ id: globalId }))).data!.importDetectionRules.items[0].ruleId!;
    const off = await api.gql<{ setRuleEnabled: Node }>(tok.leadAB, SET, { r: ruleId, t: tenantA, e: false });
    expect(off.errors).toBeUndefined();
    expect(off.data!.setRuleEnabled).toEqual({ id: ruleId, sigmaId: globalId, enabled: false, global: true });
    const enabledIn = async (tenantId: string) => (await list(tok.leadAB, tenantId, 100)).data!.detectionRules.edges.find((e) => e.node.id === ruleId)!.node.enabled;
    expect(await enabledIn(tenantA)).toBe(false);
    expect(await enabledIn(tenantB)).toBe(true);
    const versions = createRuleVersions(api.redis.redis, `${api.redis.prefix}:`);
    const before = await versions.read(tenantA);
    expect((await api.gql(tok.leadAB, SET, { r: ruleId, t: tenantA, e: true })).data).toEqual({ setRuleEnabled: expect.objectContaining({ enabled: true }) });
    expect(await versions.read(tenantA)).not.toBe(before);

    const bRule = (await importRules(tok.leadB, tenantB, sigmaRuleYaml())).data!.importDetectionRules.items[0].ruleId!;
    expect((await api.gql(tok.leadAB, SET, { r: bRule, t: tenantA, e: false })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.lead, SET, { r: bRule, t: tenantB, e: false })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.lead, SET, { r: 'not-a-uuid', t: tenantA, e: false })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(tok.analyst, SET, { r: ruleId, t: tenantA, e: false })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const [setting] = await api.t.owner.query(`SELECT count(*)::int AS n FROM tenant_rule_settings WHERE rule_id = $1 AND tenant_id = $2`, [bRule, tenantA]);
    expect(setting.n).toBe(0);
  });
});
