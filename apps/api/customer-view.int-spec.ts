import { Role } from '@watchfloor/auth';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';
import { sleep, subscribe } from './testing/ws-client';

const INTERNAL_MARK = 'INTERNAL-ONLY';

/** Everything a customer could ask about an incident, in one query. */
const CUSTOMER_QUERY = `query($id: ID!) {
  incident(id: $id) { id title status severity assignee { id displayName email role tenantIds }
    alerts { id ruleTitle ruleAuthor ruleId details techniques incident { id } }
    assets { id name vulnerabilities { cve } } events { id }
    timeline { kind body visibility actor { displayName email role } } }
  incidents(first: 50) { totalCount edges { node { id tenantId timeline { body visibility } assignee { email } } } }
  alerts(first: 50) { edges { node { id ruleId details } } }
  tenants { id }
}`;

describe('customer view', () => {
  let api: ApiTestApp;
  let tenantA: string;
  let tenantB: string;
  beforeAll(async () => {
    api = await startApiTestApp();
    tenantA = await api.createTenant('Alpha');
    tenantB = await api.createTenant('Beta');
  });
  afterAll(() => api.close());

  it('never shows internal activity, MSP staff details, rule internals or other tenants', async () => {
    const analyst = await api.userWithToken(Role.SOC_ANALYST, [tenantA, tenantB], 'Ari Analyst');
    const customer = await api.userWithToken(Role.CUSTOMER_VIEWER, [tenantA], 'Cora Customer');
    const mine = await seedIncident(api.t.owner, tenantA, { assigneeId: analyst.id });
    await seedIncident(api.t.owner, tenantB);
    const note = await api.gql(analyst.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "${INTERNAL_MARK} vendor VPN creds leaked?") { id } }`, { id: mine.incidentId });
    expect(note.errors).toBeUndefined();
    await api.gql(analyst.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "We are on it", visibility: CUSTOMER) { id } }`, { id: mine.incidentId });
    await api.gql(analyst.token, `mutation($id: ID!) { updateIncidentSeverity(id: $id, severity: CRITICAL, reason: "${INTERNAL_MARK} reason") { id } }`, { id: mine.incidentId });

    const res = await api.gql(customer.token, CUSTOMER_QUERY, { id: mine.incidentId });
    expect(res.errors).toBeUndefined();
    const text = JSON.stringify(res.data);
    expect(text).not.toContain(INTERNAL_MARK);
    expect(text).not.toContain('"INTERNAL"');
    expect(text).not.toContain(analyst.email);
    expect(text).not.toContain(tenantB);
    expect(text).not.toContain('ot.unexpected_write');
    const inc = res.data!.incident;
    expect(inc.assignee).toEqual({ id: analyst.id, displayName: 'Ari Analyst', email: null, role: null, tenantIds: null });
    expect(inc.alerts[0]).toMatchObject({ ruleTitle: 'Unexpected control write', ruleAuthor: 'Watchfloor', ruleId: null, details: null });
    expect(inc.timeline.map((a: { body: string }) => a.body)).toEqual(['Incident opened', 'We are on it']);
    expect(res.data!.incidents.totalCount).toBe(1);
    expect(res.data!.tenants).toEqual([{ id: tenantA }]);

    // The analyst sees the internal entries (the filter is per role, not data loss).
    const soc = await api.gql(analyst.token, `query($id: ID!) { incident(id: $id) { timeline { body } } }`, { id: mine.incidentId });
    expect(JSON.stringify(soc.data)).toContain(INTERNAL_MARK);
  });

  it('customers comment only for the customer (even when asking for INTERNAL), and may not triage', async () => {
    const customer = await api.userWithToken(Role.CUSTOMER_ADMIN, [tenantA]);
    const { incidentId } = await seedIncident(api.t.owner, tenantA);
    const internal = await api.gql(customer.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "x", visibility: INTERNAL) { visibility } }`, { id: incidentId });
    expect(internal.data?.addComment.visibility).toBe('CUSTOMER');
    const ok = await api.gql(customer.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "Plant confirms maintenance") { visibility } }`, { id: incidentId });
    expect(ok.data?.addComment.visibility).toBe('CUSTOMER');
    const ack = await api.gql(customer.token, `mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incidentId });
    expect(ack.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('live updates: customers receive customer-visible changes only, never another tenant', async () => {
    const analyst = await api.userWithToken(Role.SOC_ANALYST, [tenantA, tenantB]);
    const customer = await api.userWithToken(Role.CUSTOMER_VIEWER, [tenantA]);
    const a = await seedIncident(api.t.owner, tenantA);
    const b = await seedIncident(api.t.owner, tenantB);
    const Q = `subscription { incidentChanged { kind incidentId tenantId version incident { id status timeline { body visibility } } activity { kind body visibility actor { displayName email } } } }`;
    const custSub = subscribe(api.url, customer.token, Q);
    const socSub = subscribe(api.url, analyst.token, Q);
    await sleep(300);
    await api.gql(analyst.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "${INTERNAL_MARK} note") { id } }`, { id: a.incidentId });
    await api.gql(analyst.token, `mutation($id: ID!) { assignIncident(id: $id, userId: "${analyst.id}") { id } }`, { id: a.incidentId });
    await api.gql(analyst.token, `mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: b.incidentId });
    await api.gql(analyst.token, `mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: a.incidentId });
    const soc = await socSub.waitFor(4);
    const cust = await custSub.waitFor(1);
    await sleep(300);
    expect(soc.map((m) => m.incidentChanged.activity.kind)).toEqual(['comment', 'assigned', 'acknowledged', 'acknowledged']);
    expect(cust).toHaveLength(1);
    expect(cust[0].incidentChanged).toMatchObject({ incidentId: a.incidentId, tenantId: tenantA, activity: { kind: 'acknowledged', visibility: 'CUSTOMER' }, incident: { status: 'ACKNOWLEDGED' } });
    expect(cust[0].incidentChanged.activity.actor).toMatchObject({ email: null });
    expect(soc[3].incidentChanged.activity.actor).toMatchObject({ email: analyst.email });
    expect(JSON.stringify(cust)).not.toContain(INTERNAL_MARK);
    expect(JSON.stringify(cust)).not.toContain('"INTERNAL"');
    await custSub.close();
    await socSub.close();
  });

  it('refuses a subscription without a valid token and to another tenant', async () => {
    const none = subscribe(api.url, null, `subscription { incidentChanged { incidentId } }`);
    await sleep(300);
    expect(none.errors.length).toBeGreaterThan(0);
    await none.close();
    const customer = await api.userWithToken(Role.CUSTOMER_VIEWER, [tenantA]);
    const other = subscribe(api.url, customer.token, `subscription($t: [ID!]) { incidentChanged(tenantIds: $t) { incidentId } }`, { t: [tenantB] });
    await sleep(300);
    expect(JSON.stringify(other.errors)).toContain('NOT_FOUND');
    await other.close();
  });
});
