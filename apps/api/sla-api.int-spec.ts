import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Role } from '@watchfloor/auth';
import { incidentEventJobId, queueConnection, type IncidentEventJobData } from '@watchfloor/queue';
import { reconcileIncident } from '@watchfloor/sla';
import { type ScopedTx, TenantDb } from '@watchfloor/tenancy';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';
import { seedWebhookEndpoint } from './testing/soc-admin-fixtures';
import { seedTenantsAndTokens } from './testing/tenant-tokens';

const UPSERT = `mutation($v: SlaPolicyInput!) { upsertSlaPolicy(input: $v) {
  id tenantId severity version acknowledgeMinutes resolveMinutes active warnFraction pauseStatuses calendar { timezone holidays businessHours { weekday start end } } } }`;
const LIST = `query($t: ID!, $all: Boolean) { slaPolicies(tenantId: $t, includeInactive: $all) { id severity version active acknowledgeMinutes } }`;
const SLA_FIELDS = `sla { acknowledgeDueAt resolveDueAt acknowledgedAt resolvedAt acknowledgeBreached resolveBreached paused remainingSeconds }`;
const MIN = 60_000;

type Sla = { acknowledgeDueAt: string; resolveDueAt: string; acknowledgedAt: string | null; resolvedAt: string | null; acknowledgeBreached: boolean; resolveBreached: boolean; paused: boolean; remainingSeconds: number | null };

describe('SLA policies and Incident.sla over GraphQL', () => {
  let api: ApiTestApp;
  let tenantA: string;
  let tenantB: string;
  let slaQueue: Queue<IncidentEventJobData>;
  let tok: Record<string, string>;

  beforeAll(async () => {
    api = await startApiTestApp();
    ({ tenantA, tenantB, tokens: tok } = await seedTenantsAndTokens(api, {
      admin: Role.PLATFORM_ADMIN, lead: Role.SOC_LEAD, analyst: Role.SOC_ANALYST, custAdmin: Role.CUSTOMER_ADMIN, custViewer: Role.CUSTOMER_VIEWER,
    }));
    // The api app's queue prefix in tests ({<redisKeyPrefix>}).
    slaQueue = new Queue<IncidentEventJobData>('sla', { connection: queueConnection(api.redis.url), prefix: api.queuePrefix });
  });
  afterAll(async () => {
    await slaQueue.close();
    await api.close();
  });

  const policy = (tenantId: string, extra: Record<string, unknown> = {}) => ({ tenantId, severity: 'HIGH', acknowledgeMinutes: 15, resolveMinutes: 240, ...extra });

  it('stores versions of a policy, lists the active ones (all with includeInactive), and audits the change', async () => {
    const calendar = { timezone: 'Europe/Berlin', businessHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '17:00' })), holidays: ['2026-12-25'] };
    const v1 = await api.gql<{ upsertSlaPolicy: Record<string, any> }>(tok.lead, UPSERT, { v: policy(tenantA, { severity: 'CRITICAL', calendar, pauseStatuses: ['AWAITING_CUSTOMER', 'CONTAINED'], warnFraction: 0.75 }) });
    expect(v1.errors).toBeUndefined();
    expect(v1.data!.upsertSlaPolicy).toMatchObject({
      tenantId: tenantA, severity: 'CRITICAL', version: 1, acknowledgeMinutes: 15, resolveMinutes: 240, active: true, warnFraction: 0.75,
      pauseStatuses: ['AWAITING_CUSTOMER', 'CONTAINED'], calendar,
    });
    const v2 = (await api.gql<{ upsertSlaPolicy: Record<string, any> }>(tok.admin, UPSERT, { v: policy(tenantA, { severity: 'CRITICAL', acknowledgeMinutes: 10 }) })).data!.upsertSlaPolicy;
    expect(v2).toMatchObject({ version: 2, acknowledgeMinutes: 10, calendar: null, pauseStatuses: ['AWAITING_CUSTOMER'], warnFraction: 0.8 });

    const active = (await api.gql<{ slaPolicies: { id: string; version: number; active: boolean }[] }>(tok.analyst, LIST, { t: tenantA })).data!.slaPolicies;
    expect(active.filter((p) => p.id === v1.data!.upsertSlaPolicy.id)).toEqual([]);
    expect(active.find((p) => p.id === v2.id)).toMatchObject({ version: 2, active: true });
    const all = (await api.gql<{ slaPolicies: { id: string; active: boolean }[] }>(tok.lead, LIST, { t: tenantA, all: true })).data!.slaPolicies;
    expect(all.find((p) => p.id === v1.data!.upsertSlaPolicy.id)).toMatchObject({ active: false });

    const [audit] = await api.t.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'sla_policy.upserted'`, [tenantA]);
    expect(audit.n).toBe(2);
  });

  it('refuses invalid policies with BAD_USER_INPUT naming the problem, and stores nothing', async () => {
    const [{ n: before }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM sla_policies WHERE tenant_id = $1`, [tenantA]);
    const shorter = await api.gql(tok.lead, UPSERT, { v: policy(tenantA, { acknowledgeMinutes: 60, resolveMinutes: 30 }) });
    expect(shorter.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(shorter.errors?.[0].message).toMatch(/resolveMinutes/);
    const zone = await api.gql(tok.lead, UPSERT, { v: policy(tenantA, { calendar: { timezone: 'Mars/Olympus', businessHours: [{ weekday: 1, start: '08:00', end: '17:00' }] } }) });
    expect(zone.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(zone.errors?.[0].message).toMatch(/Mars\/Olympus|time ?zone/i);
    const resolved = await api.gql(tok.lead, UPSERT, { v: policy(tenantA, { pauseStatuses: ['RESOLVED'] }) });
    expect(resolved.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(tok.admin, UPSERT, { v: policy(crypto.randomUUID()) })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const [{ n: after }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM sla_policies WHERE tenant_id = $1`, [tenantA]);
    expect(after).toBe(before);
  });

  it('lets SOC leads and admins write, SOC and customer admins read, and hides other tenants', async () => {
    expect((await api.gql(tok.analyst, UPSERT, { v: policy(tenantA) })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.custAdmin, UPSERT, { v: policy(tenantA) })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.custAdmin, LIST, { t: tenantA })).errors).toBeUndefined();
    expect((await api.gql(tok.custViewer, LIST, { t: tenantA })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.gql(tok.lead, LIST, { t: tenantB })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.custAdmin, LIST, { t: tenantB })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.gql(tok.lead, UPSERT, { v: policy(tenantB) })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const [{ n }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM sla_policies WHERE tenant_id = $1`, [tenantB]);
    expect(n).toBe(0);
  });

  it('shows Incident.sla once the SLA service gave the incident a policy, to SOC and customers, batched for lists', async () => {
    const tenant = await api.createTenant('Gamma');
    const lead = await api.userWithToken(Role.SOC_LEAD, [tenant]);
    const viewer = await api.userWithToken(Role.CUSTOMER_VIEWER, [tenant]);
    expect((await api.gql(lead.token, UPSERT, { v: policy(tenant) })).errors).toBeUndefined();
    const now = new Date();
    const fresh = await seedIncident(api.t.owner, tenant, { severity: 'HIGH', createdAt: new Date(now.getTime() - 10 * MIN) });
    const late = await seedIncident(api.t.owner, tenant, { severity: 'HIGH', createdAt: new Date(now.getTime() - 20 * MIN) });
    const one = `query($id: ID!) { incident(id: $id) { id ${SLA_FIELDS} } }`;
    expect((await api.gql<{ incident: { sla: Sla | null } }>(lead.token, one, { id: fresh.incidentId })).data!.incident.sla).toBeNull();

    for (const s of [fresh, late]) expect((await reconcileIncident(api.t.db, tenant, s.incidentId, { now })).policy).not.toBeNull();
    const res = await api.gql<{ incident: { sla: Sla } }>(lead.token, one, { id: fresh.incidentId });
    expect(res.errors).toBeUndefined();
    const sla = res.data!.incident.sla;
    expect(new Date(sla.acknowledgeDueAt).getTime()).toBe(now.getTime() - 10 * MIN + 15 * MIN);
    expect(new Date(sla.resolveDueAt).getTime()).toBe(now.getTime() - 10 * MIN + 240 * MIN);
    expect(sla).toMatchObject({ acknowledgedAt: null, resolvedAt: null, acknowledgeBreached: false, resolveBreached: false, paused: false });
    expect(sla.remainingSeconds).toBeGreaterThan(4 * 60 - 30);
    expect(sla.remainingSeconds).toBeLessThanOrEqual(5 * 60);

    const list = `query { incidents(first: 10) { edges { node { id ${SLA_FIELDS} } } } }`;
    // One statement for the SLA of the whole page (DataLoader), not one per incident.
    const slaStatements: string[] = [];
    const realWithScope = TenantDb.prototype.withScope;
    TenantDb.prototype.withScope = function (this: TenantDb, scope, work, isolation) {
      return realWithScope.call(this, scope, (tx: ScopedTx) => work({ ...tx, query: (sql: string, params?: unknown[]) => {
        if (sql.includes('LEFT JOIN sla_policies')) slaStatements.push(sql);
        return tx.query(sql, params);
      } } as ScopedTx), isolation);
    } as typeof realWithScope;
    let asCustomer;
    try {
      asCustomer = await api.gql<{ incidents: { edges: { node: { id: string; sla: Sla } }[] } }>(viewer.token, list);
    } finally {
      TenantDb.prototype.withScope = realWithScope;
    }
    expect(slaStatements).toHaveLength(1);
    expect(asCustomer.errors).toBeUndefined();
    const byId = new Map(asCustomer.data!.incidents.edges.map((e) => [e.node.id, e.node.sla]));
    expect(byId.get(fresh.incidentId)).toMatchObject({ acknowledgeBreached: false });
    expect(byId.get(late.incidentId)).toMatchObject({ acknowledgeBreached: true, resolveBreached: false });
    expect(byId.get(late.incidentId)!.remainingSeconds).toBeLessThan(0);
  });

  it('sends triage changes to the sla queue: acknowledging stops the acknowledge clock and the escalation, a customer wait pauses the resolve clock', async () => {
    const tenant = await api.createTenant('Delta');
    const lead = await api.userWithToken(Role.SOC_LEAD, [tenant]);
    expect((await api.gql(lead.token, UPSERT, { v: policy(tenant) })).errors).toBeUndefined();
    const endpointId = await seedWebhookEndpoint(api.t.owner, tenant);
    const esc = await api.gql(lead.token, `mutation($v: EscalationPolicyInput!) { upsertEscalationPolicy(input: $v) { id } }`, {
      v: { tenantId: tenant, name: 'on call', levels: [{ delaySeconds: 0, webhookEndpointIds: [endpointId] }, { delaySeconds: 600, webhookEndpointIds: [endpointId] }] },
    });
    expect(esc.errors).toBeUndefined();
    const t0 = new Date();
    const acked = await seedIncident(api.t.owner, tenant, { severity: 'HIGH', createdAt: t0 });
    const ignored = await seedIncident(api.t.owner, tenant, { severity: 'HIGH', createdAt: t0 });
    for (const s of [acked, ignored]) await reconcileIncident(api.t.db, tenant, s.incidentId, { now: t0 });

    const ack = await api.gql<{ acknowledgeIncident: { version: number } }>(lead.token, `mutation($id: ID!) { acknowledgeIncident(id: $id) { version } }`, { id: acked.incidentId });
    expect(ack.errors).toBeUndefined();
    const jobId = incidentEventJobId({ incidentId: acked.incidentId, type: 'incident.acknowledged', version: ack.data!.acknowledgeIncident.version });
    const job = await slaQueue.getJob(jobId);
    expect(job?.name).toBe('incident-event');
    expect(job?.data).toMatchObject({ tenantId: tenant, incidentId: acked.incidentId, type: 'incident.acknowledged' });

    // What the sla worker does with the event, 20 minutes on: level 2 pages only the incident nobody acknowledged.
    const later = new Date(t0.getTime() + 20 * MIN);
    const outcome = await reconcileIncident(api.t.db, tenant, acked.incidentId, { now: later, event: { type: job!.data.type, at: new Date(job!.data.at) } });
    expect(outcome.sla?.acknowledgedAt).not.toBeNull();
    await reconcileIncident(api.t.db, tenant, ignored.incidentId, { now: later });
    const escalated = async (incidentId: string) =>
      (await api.t.owner.query(`SELECT count(*)::int AS n FROM deliveries WHERE incident_id = $1 AND event_type = 'incident.escalated'`, [incidentId]))[0].n;
    expect(await escalated(ignored.incidentId)).toBeGreaterThan(0);
    expect(await escalated(acked.incidentId)).toBe(0);

    expect((await api.gql(lead.token, `mutation($id: ID!) { updateIncidentStatus(id: $id, status: INVESTIGATING) { version } }`, { id: acked.incidentId })).errors).toBeUndefined();
    const wait = await api.gql<{ updateIncidentStatus: { version: number } }>(lead.token, `mutation($id: ID!) { updateIncidentStatus(id: $id, status: AWAITING_CUSTOMER) { version } }`, { id: acked.incidentId });
    expect(wait.errors).toBeUndefined();
    const waitJob = await slaQueue.getJob(incidentEventJobId({ incidentId: acked.incidentId, type: 'incident.status_changed', version: wait.data!.updateIncidentStatus.version }));
    expect(waitJob?.data.type).toBe('incident.status_changed');
    await reconcileIncident(api.t.db, tenant, acked.incidentId, { now: new Date(), event: { type: waitJob!.data.type, at: new Date(waitJob!.data.at) } });
    const shown = await api.gql<{ incident: { sla: Sla } }>(lead.token, `query($id: ID!) { incident(id: $id) { ${SLA_FIELDS} } }`, { id: acked.incidentId });
    expect(shown.data!.incident.sla).toMatchObject({ paused: true, acknowledgeBreached: false });
    expect(shown.data!.incident.sla.acknowledgedAt).not.toBeNull();

    // A comment changes no clock: no event.
    const before = await slaQueue.getJobCounts('waiting', 'delayed', 'completed', 'failed', 'active');
    expect((await api.gql(lead.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "called the plant") { id } }`, { id: acked.incidentId })).errors).toBeUndefined();
    expect(await slaQueue.getJobCounts('waiting', 'delayed', 'completed', 'failed', 'active')).toEqual(before);
  });
});
