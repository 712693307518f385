import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Role } from '@watchfloor/auth';
import { apiSchema } from '@watchfloor/config';
import type { DeliverJobData } from '@watchfloor/paging';
import { queueConnection } from '@watchfloor/queue';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';
import { seedDelivery, seedWebhookEndpoint } from './testing/soc-admin-fixtures';
import { seedTenantsAndTokens } from './testing/tenant-tokens';

const CREATE = `mutation($v: WebhookEndpointInput!) { createWebhookEndpoint(input: $v) { id tenantId name kind url enabled disabledReason createdAt secret } }`;
const ENDPOINTS = `query($t: ID!) { webhookEndpoints(tenantId: $t) { id name kind url enabled secret } }`;
const UPSERT = `mutation($v: EscalationPolicyInput!) { upsertEscalationPolicy(input: $v) { id tenantId name minSeverity repeat ackTimeoutSeconds levels { delaySeconds webhookEndpointIds } } }`;
const POLICIES = `query($t: ID!) { escalationPolicies(tenantId: $t) { id name minSeverity repeat levels { delaySeconds webhookEndpointIds } } }`;
const DELIVERIES = `query($i: ID, $first: Int, $after: String) { deliveries(incidentId: $i, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id tenantId incidentId eventType status attemptCount lastStatusCode lastError createdAt deliveredAt messageId
    endpoint { id name kind secret } attempts { attempt statusCode latencyMs error createdAt } } } } }`;
const REDELIVER = `mutation($d: ID!) { redeliver(deliveryId: $d) { id status attemptCount lastError attempts { attempt } } }`;
const PD_KEY = 'R0UT1NGK3Y0123456789abcdefABCDEF';

type Endpoint = { id: string; name: string; kind: string; url: string; enabled: boolean; secret: string | null };

describe('paging over GraphQL: webhook endpoints, escalation policies, deliveries', () => {
  let api: ApiTestApp;
  let tenantA: string;
  let tenantB: string;
  let deliverQueue: Queue<DeliverJobData>;
  let tok: Record<string, string>;

  beforeAll(async () => {
    api = await startApiTestApp();
    ({ tenantA, tenantB, tokens: tok } = await seedTenantsAndTokens(api, {
      admin: Role.PLATFORM_ADMIN, lead: Role.SOC_LEAD, analyst: Role.SOC_ANALYST, custAdmin: Role.CUSTOMER_ADMIN,
    }));
    deliverQueue = new Queue<DeliverJobData>('deliver', { connection: queueConnection(api.redis.url), prefix: api.queuePrefix });
  });
  afterAll(async () => {
    await deliverQueue.close();
    await api.close();
  });

  it('returns a generated signing secret once, in the create response only, and stores it sealed', async () => {
    const res = await api.gql<{ createWebhookEndpoint: Endpoint & { tenantId: string } }>(tok.lead, CREATE, { v: { tenantId: tenantA, name: 'SOC pager', kind: 'STANDARD', url: 'https://8.8.8.8/hooks/watchfloor' } });
    expect(res.errors).toBeUndefined();
    const created = res.data!.createWebhookEndpoint;
    expect(created).toMatchObject({ tenantId: tenantA, name: 'SOC pager', kind: 'STANDARD', url: 'https://8.8.8.8/hooks/watchfloor', enabled: true });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const [row] = await api.t.owner.query(`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [created.id]);
    expect(row.secret_ciphertext).toMatch(/^v1\./);
    expect(row.secret_ciphertext).not.toContain(created.secret!.slice(6));

    const read = await api.gql<{ webhookEndpoints: Endpoint[] }>(tok.analyst, ENDPOINTS, { t: tenantA });
    expect(read.errors).toBeUndefined();
    expect(read.data!.webhookEndpoints.find((e) => e.id === created.id)).toMatchObject({ name: 'SOC pager', secret: null });
    expect(JSON.stringify(read.data)).not.toContain(created.secret!.slice(6));

    // A secret the caller chose, and a PagerDuty routing key, are never echoed.
    const chosen = `whsec_${crypto.randomBytes(32).toString('base64')}`;
    const own = await api.gql<{ createWebhookEndpoint: Endpoint }>(tok.lead, CREATE, { v: { tenantId: tenantA, name: 'own secret', kind: 'STANDARD', url: 'https://8.8.4.4/h', secret: chosen } });
    expect(own.errors).toBeUndefined();
    expect(own.data!.createWebhookEndpoint.secret).toBeNull();
    const pd = await api.gql<{ createWebhookEndpoint: Endpoint }>(tok.admin, CREATE, { v: { tenantId: tenantA, name: 'PagerDuty', kind: 'PAGERDUTY', url: 'https://8.8.8.8/v2/enqueue', routingKey: PD_KEY } });
    expect(pd.errors).toBeUndefined();
    expect(pd.data!.createWebhookEndpoint).toMatchObject({ kind: 'PAGERDUTY', secret: null });
    const all = JSON.stringify((await api.gql(tok.lead, ENDPOINTS, { t: tenantA })).data);
    expect(all).not.toContain(PD_KEY);
    expect(all).not.toContain(chosen.slice(6));
    const [audit] = await api.t.owner.query(`SELECT count(*)::int AS n, bool_or(after::text LIKE '%whsec%') AS leaked FROM audit_log WHERE tenant_id = $1 AND action = 'webhook_endpoint.created'`, [tenantA]);
    expect(audit).toEqual({ n: 3, leaked: false });
  });

  it('rotates a signing secret: the new one shown once, the old one signing until previousSecretExpiresAt, audited without secrets', async () => {
    const ROTATE = `mutation($e: ID!, $s: String, $o: Int) { rotateWebhookSecret(endpointId: $e, secret: $s, overlapSeconds: $o) { id secret previousSecretExpiresAt } }`;
    const created = (await api.gql<{ createWebhookEndpoint: Endpoint }>(tok.lead, CREATE, { v: { tenantId: tenantA, name: 'rotating', kind: 'STANDARD', url: 'https://8.8.8.8/rot' } })).data!.createWebhookEndpoint;
    const res = await api.gql<{ rotateWebhookSecret: { id: string; secret: string | null; previousSecretExpiresAt: string | null } }>(tok.lead, ROTATE, { e: created.id });
    expect(res.errors).toBeUndefined();
    const rotated = res.data!.rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    // Default overlap: one day.
    expect(Math.abs(Date.parse(rotated.previousSecretExpiresAt!) - (Date.now() + 86400_000))).toBeLessThan(60_000);
    const read = await api.gql<{ webhookEndpoints: Array<Endpoint & { previousSecretExpiresAt: string | null }> }>(
      tok.analyst,
      `query($t: ID!) { webhookEndpoints(tenantId: $t) { id secret previousSecretExpiresAt } }`,
      { t: tenantA },
    );
    expect(read.data!.webhookEndpoints.find((e) => e.id === created.id)).toEqual({ id: created.id, secret: null, previousSecretExpiresAt: rotated.previousSecretExpiresAt });

    // A chosen secret is not echoed; overlap 0 ends the old secret at once.
    const chosen = `whsec_${crypto.randomBytes(32).toString('base64')}`;
    const own = await api.gql<{ rotateWebhookSecret: { secret: string | null; previousSecretExpiresAt: string | null } }>(tok.admin, ROTATE, { e: created.id, s: chosen, o: 0 });
    expect(own.data!.rotateWebhookSecret).toEqual({ id: created.id, secret: null, previousSecretExpiresAt: null });
    const bad = await api.gql(tok.lead, ROTATE, { e: created.id, o: 30 * 86400 });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('overlapSeconds') });

    const audits = await api.t.owner.query(`SELECT after::text AS after FROM audit_log WHERE tenant_id = $1 AND action = 'webhook_endpoint.secret_rotated' AND target_id = $2`, [tenantA, created.id]);
    expect(audits).toHaveLength(2);
    for (const a of audits) expect(a.after).not.toContain('whsec');
  });

  it('refuses private and loopback URLs (SSRF) and malformed endpoints with BAD_USER_INPUT', async () => {
    for (const url of ['https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest/meta-data', 'ftp://8.8.8.8/x']) {
      const res = await api.gql(tok.lead, CREATE, { v: { tenantId: tenantA, name: 'bad', kind: 'STANDARD', url } });
      expect({ url, code: res.errors?.[0].extensions?.code }).toEqual({ url, code: 'BAD_USER_INPUT' });
    }
    const noKey = await api.gql(tok.lead, CREATE, { v: { tenantId: tenantA, name: 'pd', kind: 'PAGERDUTY', url: 'https://8.8.8.8/x' } });
    expect(noKey.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(noKey.errors?.[0].message).toMatch(/routingKey/);
    expect((await api.gql(tok.lead, CREATE, { v: { tenantId: tenantA, name: 'x', kind: 'STANDARD', url: 'https://8.8.8.8/x', routingKey: PD_KEY } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const [{ n }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE name IN ('bad', 'pd', 'x')`);
    expect(n).toBe(0);
    // WEBHOOK_ALLOW_PRIVATE is an api variable (off unless set).
    expect(apiSchema.parse({}).WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(apiSchema.parse({ WEBHOOK_ALLOW_PRIVATE: 'true' }).WEBHOOK_ALLOW_PRIVATE).toBe(true);
  });

  it('lets SOC leads and admins manage endpoints, analysts read, customers nothing; other tenants are NOT_FOUND', async () => {
    const input = { tenantId: tenantA, name: 'n', kind: 'STANDARD', url: 'https://8.8.8.8/x' };
    expect((await api.gql(tok.analyst, CREATE, { v: input })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.custAdmin, CREATE, { v: input })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.custAdmin, ENDPOINTS, { t: tenantA })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.lead, ENDPOINTS, { t: tenantB })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.lead, CREATE, { v: { ...input, tenantId: tenantB } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('creates and replaces escalation policies, refusing foreign endpoints, empty levels and duplicate names', async () => {
    const e1 = await seedWebhookEndpoint(api.t.owner, tenantA);
    const e2 = await seedWebhookEndpoint(api.t.owner, tenantA);
    const foreign = await seedWebhookEndpoint(api.t.owner, tenantB);
    const name = `on call ${crypto.randomBytes(3).toString('hex')}`;
    const created = await api.gql<{ upsertEscalationPolicy: Record<string, any> }>(tok.lead, UPSERT, {
      v: { tenantId: tenantA, name, minSeverity: 'HIGH', levels: [{ delaySeconds: 0, webhookEndpointIds: [e1] }, { delaySeconds: 900, webhookEndpointIds: [e1, e2] }] },
    });
    expect(created.errors).toBeUndefined();
    const p = created.data!.upsertEscalationPolicy;
    expect(p).toMatchObject({ tenantId: tenantA, name, minSeverity: 'HIGH', repeat: 0, ackTimeoutSeconds: null, levels: [{ delaySeconds: 0, webhookEndpointIds: [e1] }, { delaySeconds: 900, webhookEndpointIds: [e1, e2] }] });

    const replaced = await api.gql<{ upsertEscalationPolicy: Record<string, any> }>(tok.admin, UPSERT, { v: { id: p.id, tenantId: tenantA, name, repeat: 2, levels: [{ delaySeconds: 60, webhookEndpointIds: [e2] }] } });
    expect(replaced.errors).toBeUndefined();
    expect(replaced.data!.upsertEscalationPolicy).toMatchObject({ id: p.id, minSeverity: 'LOW', repeat: 2, levels: [{ delaySeconds: 60, webhookEndpointIds: [e2] }] });
    const listed = (await api.gql<{ escalationPolicies: { id: string; levels: unknown[] }[] }>(tok.analyst, POLICIES, { t: tenantA })).data!.escalationPolicies;
    expect(listed.find((x) => x.id === p.id)?.levels).toEqual([{ delaySeconds: 60, webhookEndpointIds: [e2] }]);

    const dup = await api.gql(tok.lead, UPSERT, { v: { tenantId: tenantA, name, levels: [{ delaySeconds: 0, webhookEndpointIds: [e1] }] } });
    expect(dup.errors?.[0].extensions?.code).toBe('CONFLICT');
    const foreignRes = await api.gql(tok.lead, UPSERT, { v: { tenantId: tenantA, name: 'foreign', levels: [{ delaySeconds: 0, webhookEndpointIds: [foreign] }] } });
    expect(foreignRes.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.lead, UPSERT, { v: { tenantId: tenantA, name: 'empty', levels: [] } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(tok.lead, UPSERT, { v: { tenantId: tenantA, name: 'neg', levels: [{ delaySeconds: -5, webhookEndpointIds: [e1] }] } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(tok.analyst, UPSERT, { v: { tenantId: tenantA, name: 'a', levels: [{ delaySeconds: 0, webhookEndpointIds: [e1] }] } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.custAdmin, POLICIES, { t: tenantA })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.lead, POLICIES, { t: tenantB })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // Tenant B's policy id, aimed at through tenant A, is not found and stays as it was.
    const bPolicy = (await api.gql<{ upsertEscalationPolicy: { id: string } }>(tok.admin, UPSERT, { v: { tenantId: tenantB, name: 'beta', levels: [{ delaySeconds: 0, webhookEndpointIds: [foreign] }] } })).data!.upsertEscalationPolicy.id;
    const hijack = await api.gql(tok.lead, UPSERT, { v: { id: bPolicy, tenantId: tenantA, name: 'hijack', levels: [{ delaySeconds: 0, webhookEndpointIds: [e1] }] } });
    expect(hijack.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const [b] = await api.t.owner.query(`SELECT name FROM escalation_policies WHERE id = $1`, [bPolicy]);
    expect(b.name).toBe('beta');
  });

  it('lists deliveries newest first with endpoint and attempts, per incident, with cursors; never another tenant\'s', async () => {
    const tenant = await api.createTenant('Gamma');
    const lead = await api.userWithToken(Role.SOC_LEAD, [tenant]);
    const endpoint = await seedWebhookEndpoint(api.t.owner, tenant, 'gamma pager');
    const inc = await seedIncident(api.t.owner, tenant);
    const other = await seedIncident(api.t.owner, tenant);
    const t0 = Date.now();
    const d1 = await seedDelivery(api.t.owner, tenant, endpoint, { incidentId: inc.incidentId, createdAt: new Date(t0 - 3000) });
    const d2 = await seedDelivery(api.t.owner, tenant, endpoint, { incidentId: inc.incidentId, status: 'DELIVERED', createdAt: new Date(t0 - 2000) });
    const d3 = await seedDelivery(api.t.owner, tenant, endpoint, { incidentId: other.incidentId, createdAt: new Date(t0 - 1000) });
    const bEndpoint = await seedWebhookEndpoint(api.t.owner, tenantB);
    const bIncident = await seedIncident(api.t.owner, tenantB);
    const bDelivery = await seedDelivery(api.t.owner, tenantB, bEndpoint, { incidentId: bIncident.incidentId });

    const all = await api.gql<{ deliveries: { totalCount: number; edges: { node: Record<string, any> }[] } }>(lead.token, DELIVERIES, {});
    expect(all.errors).toBeUndefined();
    expect(all.data!.deliveries.totalCount).toBe(3);
    expect(all.data!.deliveries.edges.map((e) => e.node.id)).toEqual([d3, d2, d1]);
    expect(all.data!.deliveries.edges[2].node).toMatchObject({
      tenantId: tenant, incidentId: inc.incidentId, eventType: 'incident.triggered', status: 'FAILED', attemptCount: 1, lastStatusCode: 500, lastError: 'HTTP 500',
      endpoint: { id: endpoint, name: 'gamma pager', kind: 'PAGERDUTY', secret: null }, attempts: [{ attempt: 1, statusCode: 500, latencyMs: 42, error: 'HTTP 500' }],
    });
    expect(JSON.stringify(all.data)).not.toContain(bDelivery);

    const page1 = (await api.gql<{ deliveries: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } }>(lead.token, DELIVERIES, { i: inc.incidentId, first: 1 })).data!.deliveries;
    expect(page1.edges.map((e) => e.node.id)).toEqual([d2]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await api.gql<{ deliveries: { pageInfo: { hasNextPage: boolean }; edges: { node: { id: string } }[] } }>(lead.token, DELIVERIES, { i: inc.incidentId, first: 1, after: page1.pageInfo.endCursor })).data!.deliveries;
    expect(page2.edges.map((e) => e.node.id)).toEqual([d1]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    expect((await api.gql(lead.token, DELIVERIES, { i: bIncident.incidentId })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(lead.token, DELIVERIES, { after: 'nonsense' })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(lead.token, DELIVERIES, { first: -2 })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(tok.custAdmin, DELIVERIES, {})).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('redelivers a finished delivery once (enqueued on the deliver queue), CONFLICT while pending, NOT_FOUND across tenants', async () => {
    const endpoint = await seedWebhookEndpoint(api.t.owner, tenantA);
    const failed = await seedDelivery(api.t.owner, tenantA, endpoint, { status: 'DEAD' });
    const res = await api.gql<{ redeliver: { id: string; status: string; attemptCount: number; lastError: string | null; attempts: { attempt: number }[] } }>(tok.lead, REDELIVER, { d: failed });
    expect(res.errors).toBeUndefined();
    expect(res.data!.redeliver).toEqual({ id: failed, status: 'PENDING', attemptCount: 0, lastError: null, attempts: [{ attempt: 1 }] });
    const jobs = await deliverQueue.getJobs(['waiting', 'delayed']);
    expect(jobs.filter((j) => j.data.deliveryId === failed).map((j) => j.data.tenantId)).toEqual([tenantA]);

    expect((await api.gql(tok.lead, REDELIVER, { d: failed })).errors?.[0].extensions?.code).toBe('CONFLICT');
    const other = await seedDelivery(api.t.owner, tenantA, endpoint);
    expect((await api.gql(tok.analyst, REDELIVER, { d: other })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bDelivery = await seedDelivery(api.t.owner, tenantB, await seedWebhookEndpoint(api.t.owner, tenantB));
    expect((await api.gql(tok.lead, REDELIVER, { d: bDelivery })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.lead, REDELIVER, { d: 'not-an-id' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const [b] = await api.t.owner.query(`SELECT status FROM deliveries WHERE id = $1`, [bDelivery]);
    expect(b.status).toBe('FAILED');
  });
});
