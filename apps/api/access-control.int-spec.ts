import crypto from 'node:crypto';
import {
  buildClientSchema, getIntrospectionQuery, getNamedType, type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLSchema,
  isInputObjectType,
} from 'graphql';
import { Role } from '@watchfloor/auth';
import { seedIncident, type SeededIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp, type GqlResult } from './testing/api-test-app';
import { seedDelivery, seedWebhookEndpoint, sigmaRuleYaml } from './testing/soc-admin-fixtures';
import { sleep, subscribe } from './testing/ws-client';

/** Does this argument carry an id (directly, in a list, or inside an input object)? */
function carriesId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (isInputObjectType(named) && !seen.has(named.name)) {
    seen.add(named.name);
    return Object.values(named.getFields()).some((f) => carriesId(f.type, seen));
  }
  return false;
}

function idFields(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const [kind, type] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]] as const) {
    for (const field of Object.values(type?.getFields() ?? {}) as GraphQLField<unknown, unknown>[]) {
      if (field.args.some((a: GraphQLArgument) => carriesId(a.type))) out.push(`${kind}.${field.name}`);
    }
  }
  return out.sort();
}

interface Fixtures {
  a: SeededIncident;
  b: SeededIncident;
  tenantA: string;
  tenantB: string;
  userB: string;
}

type Call = { query: string; variables: (f: Fixtures) => Record<string, unknown>; ws?: true };

/** Tenant B's rule, endpoint, policy and delivery (and an endpoint of A), seeded in the access-control suite's second beforeAll. */
const crossTenantRows = { ruleB: '', endpointA: '', endpointB: '', policyB: '', deliveryB: '' };

/**
 * How to aim each id-taking operation at tenant B while signed in to tenant A. A new operation
 * with an id argument and no row here fails the suite.
 */
const CROSS_TENANT: Record<string, Call[]> = {
  'subscription.incidentChanged': [{ ws: true, query: `subscription($v: [ID!]) { incidentChanged(tenantIds: $v) { incidentId } }`, variables: (f) => ({ v: [f.tenantB] }) }],
  'query.alerts': [{ query: `query($v: AlertFilter) { alerts(filter: $v) { totalCount edges { node { id } } } }`, variables: (f) => ({ v: { tenantIds: [f.tenantB], incidentId: f.b.incidentId } }) }],
  'query.assets': [{ query: `query($v: ID!) { assets(tenantId: $v) { totalCount } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.auditChainStatus': [{ query: `query($v: ID!) { auditChainStatus(tenantId: $v) { ok } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.auditLog': [{ query: `query($v: ID) { auditLog(tenantId: $v) { totalCount } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.conduits': [{ query: `query($v: ID!) { conduits(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.events': [{ query: `query($v: EventFilter) { events(filter: $v) { totalCount } }`, variables: (f) => ({ v: { tenantIds: [f.tenantB], sensorId: f.b.sensorId } }) }],
  'query.incident': [{ query: `query($v: ID!) { incident(id: $v) { id title } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'query.incidents': [{ query: `query($v: IncidentFilter) { incidents(filter: $v) { totalCount } }`, variables: (f) => ({ v: { tenantIds: [f.tenantB] } }) }],
  'query.report': [{ query: `query($v: ID!) { report(id: $v) { id } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'query.reports': [{ query: `query($v: ID!) { reports(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.tenantSummary': [{ query: `query($v: ID!) { tenantSummary(tenantId: $v, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { incidents { total } } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.sensors': [{ query: `query($v: ID!) { sensors(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.zones': [{ query: `query($v: ID!) { zones(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'mutation.acknowledgeIncident': [{ query: `mutation($v: ID!) { acknowledgeIncident(id: $v) { id } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'mutation.addComment': [{ query: `mutation($v: ID!) { addComment(incidentId: $v, body: "hi", visibility: CUSTOMER) { id } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'mutation.assignIncident': [{ query: `mutation($v: ID!, $u: ID) { assignIncident(id: $v, userId: $u) { id } }`, variables: (f) => ({ v: f.b.incidentId, u: f.userB }) }],
  'mutation.bulkAcknowledge': [{ query: `mutation($v: [ID!]!) { bulkAcknowledge(ids: $v) { ok errorCode } }`, variables: (f) => ({ v: [f.b.incidentId] }) }],
  'mutation.bulkAssign': [{ query: `mutation($v: [ID!]!, $u: ID) { bulkAssign(ids: $v, userId: $u) { ok errorCode } }`, variables: (f) => ({ v: [f.b.incidentId], u: null }) }],
  'mutation.bulkUpdateStatus': [{ query: `mutation($v: [ID!]!) { bulkUpdateStatus(ids: $v, status: RESOLVED) { ok errorCode } }`, variables: (f) => ({ v: [f.b.incidentId] }) }],
  'mutation.createSensor': [{ query: `mutation($v: ID!) { createSensor(input: { tenantId: $v, name: "x", kind: ZEEK }) { apiKey } }`, variables: (f) => ({ v: f.tenantB }) }],
  'mutation.createUser': [{ query: `mutation($v: [ID!]) { createUser(input: { email: "x@b.test", password: "a long password here", role: CUSTOMER_ADMIN, tenantIds: $v }) { id } }`, variables: (f) => ({ v: [f.tenantB] }) }],
  'mutation.generateReport': [{ query: `mutation($v: ID!) { generateReport(tenantId: $v, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'mutation.markFalsePositive': [{ query: `mutation($v: ID!) { markFalsePositive(id: $v, reason: "x", suppress: { match: { a: 1 } }) { id } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'mutation.mergeIncidents': [
    { query: `mutation($t: ID!, $s: [ID!]!) { mergeIncidents(targetId: $t, sourceIds: $s) { id } }`, variables: (f) => ({ t: f.a.incidentId, s: [f.b.incidentId] }) },
    { query: `mutation($t: ID!, $s: [ID!]!) { mergeIncidents(targetId: $t, sourceIds: $s) { id } }`, variables: (f) => ({ t: f.b.incidentId, s: [f.a.incidentId] }) },
  ],
  'mutation.revokeApiKey': [{ query: `mutation($v: ID!) { revokeApiKey(sensorId: $v) { id } }`, variables: (f) => ({ v: f.b.sensorId }) }],
  'mutation.updateIncidentSeverity': [{ query: `mutation($v: ID!) { updateIncidentSeverity(id: $v, severity: LOW, reason: "x") { id } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'mutation.updateIncidentStatus': [{ query: `mutation($v: ID!) { updateIncidentStatus(id: $v, status: RESOLVED) { id } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'mutation.upsertAsset': [
    { query: `mutation($v: AssetInput!) { upsertAsset(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantB, name: 'x' } }) },
    { query: `mutation($v: AssetInput!) { upsertAsset(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantA, id: f.b.assetId, name: 'x' } }) },
    { query: `mutation($v: AssetInput!) { upsertAsset(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantA, name: 'x', zoneId: f.b.zoneId } }) },
  ],
  'mutation.upsertAssetVulnerability': [
    { query: `mutation($v: AssetVulnerabilityInput!) { upsertAssetVulnerability(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantA, assetId: f.b.assetId, cve: 'CVE-2021-22779' } }) },
    { query: `mutation($v: AssetVulnerabilityInput!) { upsertAssetVulnerability(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantB, assetId: f.b.assetId, cve: 'CVE-2021-22779' } }) },
  ],
  'mutation.upsertConduit': [
    { query: `mutation($v: ConduitInput!) { upsertConduit(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantA, fromZoneId: f.a.zoneId, toZoneId: f.b.zoneId, protocol: 'modbus' } }) },
    { query: `mutation($v: ConduitInput!) { upsertConduit(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantB, fromZoneId: f.b.zoneId, toZoneId: f.a.zoneId, protocol: 'modbus' } }) },
  ],
  'mutation.upsertZone': [
    { query: `mutation($v: ZoneInput!) { upsertZone(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantB, name: 'x', purdueLevel: 1, cidrs: [] } }) },
    { query: `mutation($v: ZoneInput!) { upsertZone(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantA, id: f.b.zoneId, name: 'x', purdueLevel: 1, cidrs: [] } }) },
  ],
  'query.detectionRules': [{ query: `query($v: ID) { detectionRules(tenantId: $v) { totalCount } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.slaPolicies': [{ query: `query($v: ID!) { slaPolicies(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.escalationPolicies': [{ query: `query($v: ID!) { escalationPolicies(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.webhookEndpoints': [{ query: `query($v: ID!) { webhookEndpoints(tenantId: $v) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'query.deliveries': [{ query: `query($v: ID) { deliveries(incidentId: $v) { totalCount } }`, variables: (f) => ({ v: f.b.incidentId }) }],
  'mutation.importDetectionRules': [{ query: `mutation($v: ID, $y: String!) { importDetectionRules(tenantId: $v, yaml: $y) { imported } }`, variables: (f) => ({ v: f.tenantB, y: sigmaRuleYaml() }) }],
  'mutation.setRuleEnabled': [
    { query: `mutation($r: ID!, $v: ID!) { setRuleEnabled(ruleId: $r, tenantId: $v, enabled: false) { id } }`, variables: (f) => ({ r: crossTenantRows.ruleB, v: f.tenantB }) },
    { query: `mutation($r: ID!, $v: ID!) { setRuleEnabled(ruleId: $r, tenantId: $v, enabled: false) { id } }`, variables: (f) => ({ r: crossTenantRows.ruleB, v: f.tenantA }) },
  ],
  'mutation.upsertSlaPolicy': [{ query: `mutation($v: ID!) { upsertSlaPolicy(input: { tenantId: $v, severity: HIGH, acknowledgeMinutes: 15, resolveMinutes: 240 }) { id } }`, variables: (f) => ({ v: f.tenantB }) }],
  'mutation.upsertEscalationPolicy': [
    { query: `mutation($v: EscalationPolicyInput!) { upsertEscalationPolicy(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantB, name: 'x', levels: [{ delaySeconds: 0, webhookEndpointIds: [crossTenantRows.endpointB] }] } }) },
    { query: `mutation($v: EscalationPolicyInput!) { upsertEscalationPolicy(input: $v) { id } }`, variables: (f) => ({ v: { tenantId: f.tenantA, name: 'x', levels: [{ delaySeconds: 0, webhookEndpointIds: [crossTenantRows.endpointB] }] } }) },
    { query: `mutation($v: EscalationPolicyInput!) { upsertEscalationPolicy(input: $v) { id } }`, variables: (f) => ({ v: { id: crossTenantRows.policyB, tenantId: f.tenantA, name: 'x', levels: [{ delaySeconds: 0, webhookEndpointIds: [crossTenantRows.endpointA] }] } }) },
  ],
  'mutation.createWebhookEndpoint': [{ query: `mutation($v: WebhookEndpointInput!) { createWebhookEndpoint(input: $v) { id secret } }`, variables: (f) => ({ v: { tenantId: f.tenantB, name: 'x', kind: 'STANDARD', url: 'https://8.8.8.8/hook' } }) }],
  'mutation.redeliver': [{ query: `mutation($v: ID!) { redeliver(deliveryId: $v) { id } }`, variables: () => ({ v: crossTenantRows.deliveryB }) }],
  'mutation.rotateWebhookSecret': [{ query: `mutation($v: ID!) { rotateWebhookSecret(endpointId: $v) { id secret } }`, variables: () => ({ v: crossTenantRows.endpointB }) }],
};

const DENIED = ['NOT_FOUND', 'FORBIDDEN'];

/** A subscription's first answer (its error, for a refused one) as a GraphQL result. */
async function viaWebSocket(api: ApiTestApp, token: string, query: string, variables: Record<string, unknown>): Promise<GqlResult> {
  const sub = subscribe(api.url, token, query, variables);
  for (let i = 0; i < 40 && !sub.errors.length && !sub.messages.length; i++) await sleep(50);
  await sub.close();
  return { data: (sub.messages[0] as Record<string, unknown>) ?? null, errors: sub.errors as GqlResult['errors'] };
}

/** Codes in a response: top-level errors, or per-id results of bulk operations. */
function outcome(res: GqlResult): string[] {
  if (res.errors?.length) return res.errors.map((e) => String(e.extensions?.code));
  const values = Object.values(res.data ?? {});
  const bulk = values.find(Array.isArray) as { ok: boolean; errorCode: string }[] | undefined;
  if (bulk) return bulk.map((r) => (r.ok ? 'OK' : r.errorCode));
  return ['OK'];
}

describe('access control', () => {
  let api: ApiTestApp;
  let schema: GraphQLSchema;
  let fx: Fixtures;
  let tenantBRows: () => Promise<string>;

  beforeAll(async () => {
    api = await startApiTestApp();
    const tenantA = await api.createTenant('Alpha');
    const tenantB = await api.createTenant('Beta');
    const bUser = await api.userWithToken(Role.SOC_ANALYST, [tenantB]);
    fx = { tenantA, tenantB, a: await seedIncident(api.t.owner, tenantA), b: await seedIncident(api.t.owner, tenantB), userB: bUser.id };
    const intro = await api.gql(null, getIntrospectionQuery());
    schema = buildClientSchema(intro.data as never);
    const tables: { table_name: string }[] = await api.t.owner.query(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' ORDER BY 1`,
    );
    // A fingerprint of every row of tenant B (all tenant tables, its tenant row and its users).
    tenantBRows = async () => {
      const parts: string[] = [];
      for (const { table_name } of tables) {
        const [r] = await api.t.owner.query(`SELECT count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${table_name} x WHERE tenant_id = $1`, [tenantB]);
        parts.push(`${table_name}:${r.n}:${r.h}`);
      }
      const [t] = await api.t.owner.query(`SELECT md5(x::text) AS h FROM tenants x WHERE id = $1`, [tenantB]);
      const [u] = await api.t.owner.query(`SELECT count(*) AS n FROM users`);
      return `${parts.join(',')};tenant:${t.h};users:${u.n}`;
    };
  });
  afterAll(() => api.close());
  beforeAll(async () => {
    const [rule] = await api.t.owner.query(
      `INSERT INTO detection_rules (owner_tenant_id, sigma_id, kind, title, level, source_yaml) VALUES ($1, $2, 'SIGMA', 'Beta rule', 'high', 'title: Beta rule') RETURNING id`,
      [fx.tenantB, crypto.randomUUID()],
    );
    crossTenantRows.ruleB = rule.id;
    crossTenantRows.endpointA = await seedWebhookEndpoint(api.t.owner, fx.tenantA);
    crossTenantRows.endpointB = await seedWebhookEndpoint(api.t.owner, fx.tenantB);
    const [policy] = await api.t.owner.query(`INSERT INTO escalation_policies (tenant_id, name) VALUES ($1, 'beta on call') RETURNING id`, [fx.tenantB]);
    crossTenantRows.policyB = policy.id;
    crossTenantRows.deliveryB = await seedDelivery(api.t.owner, fx.tenantB, crossTenantRows.endpointB, { incidentId: fx.b.incidentId });
  });

  it('has a cross-tenant case for every query, mutation and subscription that takes an id', () => {
    const fields = idFields(schema);
    expect(fields.length).toBeGreaterThan(20);
    expect(fields.filter((f) => !CROSS_TENANT[f])).toEqual([]);
    expect(Object.keys(CROSS_TENANT).filter((f) => !fields.includes(f))).toEqual([]);
  });

  it.each([Role.SOC_LEAD, Role.SOC_ANALYST, Role.CUSTOMER_ADMIN, Role.CUSTOMER_VIEWER])("a %s of tenant A gets NOT_FOUND or FORBIDDEN for tenant B's ids and changes nothing", async (role) => {
    const user = await api.userWithToken(role, [fx.tenantA]);
    const before = await tenantBRows();
    for (const [field, calls] of Object.entries(CROSS_TENANT)) {
      for (const call of calls) {
        const res = call.ws ? await viaWebSocket(api, user.token, call.query, call.variables(fx)) : await api.gql(user.token, call.query, call.variables(fx));
        const codes = outcome(res);
        expect({ field, role, codes, leaked: JSON.stringify(res.data ?? null).includes(fx.b.incidentId) }).toEqual({
          field, role, codes: codes.map((c) => (DENIED.includes(c) ? c : `unexpected ${c}`)), leaked: false,
        });
      }
    }
    expect(await tenantBRows()).toBe(before);
  });
});

type Fresh = { tenantA: string; incident: SeededIncident; second: SeededIncident; users: Record<string, string> };
type MatrixCall = (f: Fresh) => { query: string; variables?: Record<string, unknown> };

const ALL = [Role.PLATFORM_ADMIN, Role.SOC_LEAD, Role.SOC_ANALYST, Role.CUSTOMER_ADMIN, Role.CUSTOMER_VIEWER];
const SOC = [Role.PLATFORM_ADMIN, Role.SOC_LEAD, Role.SOC_ANALYST];
const EDITORS = [...SOC, Role.CUSTOMER_ADMIN];

/** Rows the rule, SLA and paging cases need, seeded once in the role matrix's second beforeAll. */
const socAdminFixtures: { ruleId: string; endpointId: string; standardEndpointId: string; deliveryIds: string[] } = { ruleId: '', endpointId: '', standardEndpointId: '', deliveryIds: [] };

/** Who may call each mutation (the design of docs/api.md). 'PUBLIC' needs no sign-in. */
const ROLE_MATRIX: Record<string, { allowed: Role[] | 'PUBLIC'; call: MatrixCall }> = {
  login: { allowed: 'PUBLIC', call: () => ({ query: `mutation { login(email: "nobody@x.test", password: "x") { accessToken } }` }) },
  refreshToken: { allowed: 'PUBLIC', call: () => ({ query: `mutation { refreshToken(refreshToken: "x") { accessToken } }` }) },
  createTenant: { allowed: [Role.PLATFORM_ADMIN], call: () => ({ query: `mutation($s: String!) { createTenant(input: { name: "N", slug: $s }) { id } }`, variables: { s: `n-${crypto.randomBytes(4).toString('hex')}` } }) },
  createUser: {
    allowed: [Role.PLATFORM_ADMIN],
    call: (f) => ({ query: `mutation($e: String!, $t: [ID!]) { createUser(input: { email: $e, password: "a long password here", role: CUSTOMER_VIEWER, tenantIds: $t }) { id } }`, variables: { e: `u${crypto.randomBytes(4).toString('hex')}@x.test`, t: [f.tenantA] } }),
  },
  createSensor: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: (f) => ({ query: `mutation($t: ID!, $n: String!) { createSensor(input: { tenantId: $t, name: $n, kind: SURICATA }) { apiKey } }`, variables: { t: f.tenantA, n: crypto.randomUUID() } }) },
  revokeApiKey: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: (f) => ({ query: `mutation($s: ID!) { revokeApiKey(sensorId: $s) { id } }`, variables: { s: f.incident.sensorId } }) },
  acknowledgeIncident: { allowed: SOC, call: (f) => ({ query: `mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, variables: { id: f.incident.incidentId } }) },
  assignIncident: { allowed: SOC, call: (f) => ({ query: `mutation($id: ID!, $u: ID) { assignIncident(id: $id, userId: $u) { id } }`, variables: { id: f.incident.incidentId, u: f.users[Role.SOC_LEAD] } }) },
  updateIncidentStatus: { allowed: SOC, call: (f) => ({ query: `mutation($id: ID!) { updateIncidentStatus(id: $id, status: RESOLVED) { id } }`, variables: { id: f.incident.incidentId } }) },
  updateIncidentSeverity: { allowed: SOC, call: (f) => ({ query: `mutation($id: ID!) { updateIncidentSeverity(id: $id, severity: LOW, reason: "r") { id } }`, variables: { id: f.incident.incidentId } }) },
  addComment: { allowed: ALL, call: (f) => ({ query: `mutation($id: ID!) { addComment(incidentId: $id, body: "hello", visibility: CUSTOMER) { id } }`, variables: { id: f.incident.incidentId } }) },
  mergeIncidents: { allowed: SOC, call: (f) => ({ query: `mutation($t: ID!, $s: [ID!]!) { mergeIncidents(targetId: $t, sourceIds: $s) { id } }`, variables: { t: f.incident.incidentId, s: [f.second.incidentId] } }) },
  markFalsePositive: { allowed: SOC, call: (f) => ({ query: `mutation($id: ID!) { markFalsePositive(id: $id, reason: "r") { id } }`, variables: { id: f.incident.incidentId } }) },
  bulkAcknowledge: { allowed: SOC, call: (f) => ({ query: `mutation($ids: [ID!]!) { bulkAcknowledge(ids: $ids) { ok } }`, variables: { ids: [f.incident.incidentId] } }) },
  bulkAssign: { allowed: SOC, call: (f) => ({ query: `mutation($ids: [ID!]!) { bulkAssign(ids: $ids, userId: null) { ok } }`, variables: { ids: [f.incident.incidentId] } }) },
  bulkUpdateStatus: { allowed: SOC, call: (f) => ({ query: `mutation($ids: [ID!]!) { bulkUpdateStatus(ids: $ids, status: RESOLVED) { ok } }`, variables: { ids: [f.incident.incidentId] } }) },
  generateReport: { allowed: EDITORS, call: (f) => ({ query: `mutation($t: ID!) { generateReport(tenantId: $t, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { id status } }`, variables: { t: f.tenantA } }) },
  upsertZone: { allowed: EDITORS, call: (f) => ({ query: `mutation($t: ID!, $n: String!) { upsertZone(input: { tenantId: $t, name: $n, purdueLevel: 2, cidrs: ["10.2.0.0/16"] }) { id } }`, variables: { t: f.tenantA, n: crypto.randomUUID() } }) },
  upsertConduit: { allowed: EDITORS, call: (f) => ({ query: `mutation($t: ID!, $a: ID!, $b: ID!) { upsertConduit(input: { tenantId: $t, fromZoneId: $a, toZoneId: $b, protocol: "modbus", ports: [502] }) { id } }`, variables: { t: f.tenantA, a: f.incident.zoneId, b: f.second.zoneId } }) },
  upsertAsset: { allowed: EDITORS, call: (f) => ({ query: `mutation($t: ID!) { upsertAsset(input: { tenantId: $t, name: "HMI", criticality: HIGH }) { id } }`, variables: { t: f.tenantA } }) },
  upsertAssetVulnerability: { allowed: EDITORS, call: (f) => ({ query: `mutation($t: ID!, $a: ID!) { upsertAssetVulnerability(input: { tenantId: $t, assetId: $a, cve: "CVE-2022-1234", cvss: 7.5 }) { id } }`, variables: { t: f.tenantA, a: f.incident.assetId } }) },
  importDetectionRules: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: (f) => ({ query: `mutation($t: ID, $y: String!) { importDetectionRules(tenantId: $t, yaml: $y) { imported refused } }`, variables: { t: f.tenantA, y: sigmaRuleYaml() } }) },
  setRuleEnabled: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: (f) => ({ query: `mutation($r: ID!, $t: ID!) { setRuleEnabled(ruleId: $r, tenantId: $t, enabled: false) { id enabled } }`, variables: { r: socAdminFixtures.ruleId, t: f.tenantA } }) },
  upsertSlaPolicy: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: (f) => ({ query: `mutation($t: ID!) { upsertSlaPolicy(input: { tenantId: $t, severity: HIGH, acknowledgeMinutes: 15, resolveMinutes: 240 }) { id } }`, variables: { t: f.tenantA } }) },
  upsertEscalationPolicy: {
    allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD],
    call: (f) => ({ query: `mutation($v: EscalationPolicyInput!) { upsertEscalationPolicy(input: $v) { id } }`, variables: { v: { tenantId: f.tenantA, name: crypto.randomUUID(), levels: [{ delaySeconds: 0, webhookEndpointIds: [socAdminFixtures.endpointId] }] } } }),
  },
  createWebhookEndpoint: {
    allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD],
    call: (f) => ({ query: `mutation($v: WebhookEndpointInput!) { createWebhookEndpoint(input: $v) { id } }`, variables: { v: { tenantId: f.tenantA, name: crypto.randomUUID(), kind: 'STANDARD', url: 'https://8.8.8.8/hook' } } }),
  },
  rotateWebhookSecret: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: () => ({ query: `mutation($e: ID!) { rotateWebhookSecret(endpointId: $e, overlapSeconds: 60) { id secret previousSecretExpiresAt } }`, variables: { e: socAdminFixtures.standardEndpointId } }) },
  // Each call takes a fresh FAILED delivery: a redelivered one is PENDING (CONFLICT) until a worker sends it.
  redeliver: { allowed: [Role.PLATFORM_ADMIN, Role.SOC_LEAD], call: () => ({ query: `mutation($d: ID!) { redeliver(deliveryId: $d) { id status } }`, variables: { d: socAdminFixtures.deliveryIds.shift() } }) },
};

describe('role matrix', () => {
  let api: ApiTestApp;
  let tenantA: string;
  const tokens: Record<string, string> = {};
  const users: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiTestApp();
    tenantA = await api.createTenant('Alpha');
    for (const role of ALL) {
      const u = await api.userWithToken(role, role === Role.PLATFORM_ADMIN ? [] : [tenantA]);
      tokens[role] = u.token;
      users[role] = u.id;
    }
  });
  afterAll(() => api.close());
  beforeAll(async () => {
    const [rule] = await api.t.owner.query(
      `INSERT INTO detection_rules (owner_tenant_id, sigma_id, kind, title, level, source_yaml) VALUES (NULL, $1, 'SIGMA', 'Matrix rule', 'high', 'title: Matrix rule') RETURNING id`,
      [crypto.randomUUID()],
    );
    socAdminFixtures.ruleId = rule.id;
    socAdminFixtures.endpointId = await seedWebhookEndpoint(api.t.owner, tenantA);
    socAdminFixtures.standardEndpointId = await seedWebhookEndpoint(api.t.owner, tenantA, undefined, 'STANDARD');
    for (let i = 0; i < ALL.length; i++) socAdminFixtures.deliveryIds.push(await seedDelivery(api.t.owner, tenantA, socAdminFixtures.endpointId));
  });

  it('covers every mutation of the schema', async () => {
    const intro = await api.gql(null, getIntrospectionQuery());
    const mutations = Object.keys(buildClientSchema(intro.data as never).getMutationType()!.getFields()).sort();
    expect(mutations.filter((m) => !ROLE_MATRIX[m])).toEqual([]);
    expect(Object.keys(ROLE_MATRIX).filter((m) => !mutations.includes(m))).toEqual([]);
  });

  const cases = Object.entries(ROLE_MATRIX).flatMap(([mutation, row]) => ALL.map((role) => [mutation, role] as const));
  it.each(cases)('%s as %s', async (mutation, role) => {
    const row = ROLE_MATRIX[mutation];
    const fresh: Fresh = { tenantA, incident: await seedIncident(api.t.owner, tenantA), second: await seedIncident(api.t.owner, tenantA), users };
    const { query, variables } = row.call(fresh);
    const res = await api.gql(tokens[role], query, variables);
    const code = res.errors?.[0]?.extensions?.code ?? 'OK';
    if (row.allowed === 'PUBLIC') {
      expect(code).not.toBe('FORBIDDEN');
    } else if (row.allowed.includes(role)) {
      expect({ mutation, role, code, errors: res.errors }).toEqual({ mutation, role, code: 'OK', errors: undefined });
    } else {
      expect({ mutation, role, code }).toEqual({ mutation, role, code: 'FORBIDDEN' });
    }
  });
});
