import { Role } from '@watchfloor/auth';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';

const DETAIL = `query($id: ID!) { incident(id: $id) { id status severity version acknowledgedAt resolvedAt alertCount techniques
  assignee { id displayName email } tenant { id name } alerts { id ruleTitle ruleAuthor ruleId details } events { id otProtocol }
  assets { id name criticality } timeline { kind body visibility actor { displayName } } } }`;

describe('incident triage over GraphQL', () => {
  let api: ApiTestApp;
  let tenantA: string;
  let lead: { id: string; token: string };
  let analyst: { id: string; token: string };

  beforeAll(async () => {
    api = await startApiTestApp();
    tenantA = await api.createTenant('Alpha Water');
    lead = await api.userWithToken(Role.SOC_LEAD, [tenantA], 'Lena Lead');
    analyst = await api.userWithToken(Role.SOC_ANALYST, [tenantA], 'Ari Analyst');
  });
  afterAll(() => api.close());

  it('shows an incident with its alerts, events, assets, tenant and timeline', async () => {
    const seeded = await seedIncident(api.t.owner, tenantA, { alerts: 3 });
    const res = await api.gql(analyst.token, DETAIL, { id: seeded.incidentId });
    expect(res.errors).toBeUndefined();
    const inc = res.data!.incident;
    expect(inc).toMatchObject({ id: seeded.incidentId, status: 'NEW', alertCount: 3, techniques: ['T0855'], tenant: { id: tenantA, name: 'Alpha Water' } });
    expect(inc.alerts).toHaveLength(3);
    expect(inc.alerts[0].details).toMatchObject({ ruleRef: 'ot.unexpected_write' });
    expect(inc.events.map((e: { id: string }) => e.id).sort()).toEqual([...seeded.eventIds].sort());
    expect(inc.assets).toEqual([{ id: seeded.assetId, name: expect.stringMatching(/^PLC/), criticality: 'CRITICAL' }]);
    expect(inc.timeline.map((a: { visibility: string }) => a.visibility)).toEqual(['CUSTOMER', 'INTERNAL']);
  });

  it('walks the workflow, refuses illegal moves with the allowed list, and records the timeline and audit', async () => {
    const { incidentId } = await seedIncident(api.t.owner, tenantA);
    const status = (s: string, token = analyst.token) =>
      api.gql(token, `mutation($id: ID!, $s: IncidentStatus!) { updateIncidentStatus(id: $id, status: $s, reason: "triage") { status version acknowledgedAt resolvedAt } }`, { id: incidentId, s });
    const illegal = await status('CONTAINED');
    expect(illegal.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', allowed: ['ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE'] });
    expect(illegal.errors?.[0].message).toMatch(/allowed: ACKNOWLEDGED, RESOLVED, FALSE_POSITIVE/);
    const ack = await api.gql(analyst.token, `mutation($id: ID!) { acknowledgeIncident(id: $id) { status version acknowledgedAt } }`, { id: incidentId });
    expect(ack.data?.acknowledgeIncident).toMatchObject({ status: 'ACKNOWLEDGED', version: 2 });
    expect(ack.data?.acknowledgeIncident.acknowledgedAt).toBeTruthy();
    for (const s of ['INVESTIGATING', 'AWAITING_CUSTOMER', 'INVESTIGATING', 'CONTAINED', 'RESOLVED']) {
      const r = await status(s);
      expect({ s, errors: r.errors, status: r.data?.updateIncidentStatus.status }).toEqual({ s, errors: undefined, status: s });
    }
    const reopened = await status('INVESTIGATING');
    expect(reopened.data?.updateIncidentStatus).toMatchObject({ status: 'INVESTIGATING', resolvedAt: null });
    expect((await status('CLOSED')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await status('RESOLVED')).data?.updateIncidentStatus.status).toBe('RESOLVED');
    const closed = await status('CLOSED');
    expect(closed.data?.updateIncidentStatus).toMatchObject({ status: 'CLOSED', version: 10 });
    expect((await status('INVESTIGATING')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', allowed: [] });
    const kinds = await api.t.owner.query(`SELECT kind, visibility FROM incident_activity WHERE incident_id = $1 AND actor_id IS NOT NULL ORDER BY created_at`, [incidentId]);
    expect(kinds.map((k: { kind: string }) => k.kind)).toEqual(['acknowledged', 'status_changed', 'status_changed', 'status_changed', 'status_changed', 'status_changed', 'reopened', 'status_changed', 'status_changed']);
    expect(new Set(kinds.map((k: { visibility: string }) => k.visibility))).toEqual(new Set(['CUSTOMER']));
    const [{ n }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND target_id = $2`, [tenantA, incidentId]);
    expect(n).toBe(9);
    const [paused] = await api.t.owner.query(`SELECT paused_since, paused_seconds FROM incidents WHERE id = $1`, [incidentId]);
    expect(paused.paused_since).toBeNull();
  });

  it('answers CONFLICT for a stale expectedVersion and changes nothing', async () => {
    const { incidentId } = await seedIncident(api.t.owner, tenantA);
    const stale = await api.gql(analyst.token, `mutation($id: ID!) { acknowledgeIncident(id: $id, expectedVersion: 7) { version } }`, { id: incidentId });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    const [row] = await api.t.owner.query(`SELECT status, version FROM incidents WHERE id = $1`, [incidentId]);
    expect(row).toEqual({ status: 'NEW', version: 1 });
    const fresh = await api.gql(analyst.token, `mutation($id: ID!) { acknowledgeIncident(id: $id, expectedVersion: 1) { version } }`, { id: incidentId });
    expect(fresh.data?.acknowledgeIncident.version).toBe(2);
    const sev = await api.gql(analyst.token, `mutation($id: ID!) { updateIncidentSeverity(id: $id, severity: CRITICAL, reason: "PLC in safety loop", expectedVersion: 1) { version } }`, { id: incidentId });
    expect(sev.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('changes severity with a reason, assigns to SOC staff only, and comments', async () => {
    const { incidentId } = await seedIncident(api.t.owner, tenantA);
    const noReason = await api.gql(analyst.token, `mutation($id: ID!) { updateIncidentSeverity(id: $id, severity: LOW, reason: " ") { severity } }`, { id: incidentId });
    expect(noReason.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const sev = await api.gql(analyst.token, `mutation($id: ID!) { updateIncidentSeverity(id: $id, severity: CRITICAL, reason: "safety PLC") { severity version } }`, { id: incidentId });
    expect(sev.data?.updateIncidentSeverity).toEqual({ severity: 'CRITICAL', version: 2 });
    const assigned = await api.gql(lead.token, `mutation($id: ID!, $u: ID) { assignIncident(id: $id, userId: $u) { assignee { id displayName email } } }`, { id: incidentId, u: analyst.id });
    expect(assigned.data?.assignIncident.assignee).toMatchObject({ id: analyst.id, displayName: 'Ari Analyst' });
    const customer = await api.userWithToken(Role.CUSTOMER_ADMIN, [tenantA]);
    const toCustomer = await api.gql(lead.token, `mutation($id: ID!, $u: ID) { assignIncident(id: $id, userId: $u) { id } }`, { id: incidentId, u: customer.id });
    expect(toCustomer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const comment = await api.gql(analyst.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "Called the plant", visibility: CUSTOMER) { kind body visibility actor { id } } }`, { id: incidentId });
    expect(comment.data?.addComment).toEqual({ kind: 'comment', body: 'Called the plant', visibility: 'CUSTOMER', actor: { id: analyst.id } });
    const [row] = await api.t.owner.query(`SELECT version, assignee_id FROM incidents WHERE id = $1`, [incidentId]);
    expect(row).toEqual({ version: 4, assignee_id: analyst.id });
  });

  it('merges incidents: alerts and timeline move to the target, sources close with merged_into_id', async () => {
    const target = await seedIncident(api.t.owner, tenantA, { alerts: 2 });
    const source = await seedIncident(api.t.owner, tenantA, { alerts: 3 });
    const res = await api.gql(lead.token, `mutation($t: ID!, $s: [ID!]!) { mergeIncidents(targetId: $t, sourceIds: $s) { id alertCount alerts { id } version } }`, {
      t: target.incidentId, s: [source.incidentId],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.mergeIncidents.alertCount).toBe(5);
    expect(res.data?.mergeIncidents.alerts.map((a: { id: string }) => a.id).sort()).toEqual([...target.alertIds, ...source.alertIds].sort());
    const [src] = await api.t.owner.query(`SELECT status, merged_into_id, alert_count FROM incidents WHERE id = $1`, [source.incidentId]);
    expect(src).toEqual({ status: 'CLOSED', merged_into_id: target.incidentId, alert_count: 0 });
    const moved = await api.t.owner.query(`SELECT count(*)::int AS n FROM incident_activity WHERE incident_id = $1 AND kind IN ('created', 'note')`, [target.incidentId]);
    expect(moved[0].n).toBe(4);
    const again = await api.gql(lead.token, `mutation($t: ID!, $s: [ID!]!) { mergeIncidents(targetId: $t, sourceIds: $s) { id } }`, { t: target.incidentId, s: [source.incidentId] });
    expect(again.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('marks a false positive with a suppression, then closes it', async () => {
    const { incidentId } = await seedIncident(api.t.owner, tenantA);
    const res = await api.gql(analyst.token, `mutation($id: ID!, $m: JSON!) { markFalsePositive(id: $id, reason: "scheduled maintenance scan", suppress: { match: $m, reason: "scanner" }) { status resolvedAt } }`, {
      id: incidentId, m: { src_ip: '10.10.0.5' },
    });
    expect(res.data?.markFalsePositive.status).toBe('FALSE_POSITIVE');
    const [sup] = await api.t.owner.query(`SELECT match, reason, created_by FROM suppressions WHERE tenant_id = $1 AND created_by = $2`, [tenantA, analyst.id]);
    expect(sup).toEqual({ match: { src_ip: '10.10.0.5' }, reason: 'scanner', created_by: analyst.id });
    const closed = await api.gql(analyst.token, `mutation($id: ID!) { updateIncidentStatus(id: $id, status: CLOSED) { status } }`, { id: incidentId });
    expect(closed.data?.updateIncidentStatus.status).toBe('CLOSED');
  });

  it('bulk operations report per id', async () => {
    const a = await seedIncident(api.t.owner, tenantA);
    const b = await seedIncident(api.t.owner, tenantA, { status: 'RESOLVED' });
    const missing = '0f0f0f0f-0000-4000-8000-000000000000';
    const res = await api.gql(analyst.token, `mutation($ids: [ID!]!) { bulkAcknowledge(ids: $ids) { id ok errorCode incident { status } } }`, { ids: [a.incidentId, b.incidentId, missing] });
    expect(res.data?.bulkAcknowledge).toEqual([
      { id: a.incidentId, ok: true, errorCode: null, incident: { status: 'ACKNOWLEDGED' } },
      { id: b.incidentId, ok: false, errorCode: 'BAD_USER_INPUT', incident: null },
      { id: missing, ok: false, errorCode: 'NOT_FOUND', incident: null },
    ]);
    const assign = await api.gql(lead.token, `mutation($ids: [ID!]!, $u: ID) { bulkAssign(ids: $ids, userId: $u) { ok } }`, { ids: [a.incidentId, b.incidentId], u: lead.id });
    expect(assign.data?.bulkAssign).toEqual([{ ok: true }, { ok: true }]);
    const st = await api.gql(lead.token, `mutation($ids: [ID!]!) { bulkUpdateStatus(ids: $ids, status: RESOLVED) { ok errorCode } }`, { ids: [a.incidentId, b.incidentId] });
    expect(st.data?.bulkUpdateStatus).toEqual([{ ok: true, errorCode: null }, { ok: false, errorCode: 'BAD_USER_INPUT' }]);
  });

  it('pages incidents with opaque cursors, filters and orders them', async () => {
    const tenant = await api.createTenant('Paging');
    const viewer = await api.userWithToken(Role.SOC_ANALYST, [tenant]);
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 7; i++) await seedIncident(api.t.owner, tenant, { alerts: 1, severity: i % 2 ? 'LOW' : 'CRITICAL', createdAt: new Date(base + i * 1000) });
    const Q = `query($after: String, $f: IncidentFilter, $o: IncidentOrder) { incidents(first: 3, after: $after, filter: $f, orderBy: $o) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id severity createdAt } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: { data?: any; errors?: unknown } = await api.gql(viewer.token, Q, { after });
      expect(res.errors).toBeUndefined();
      expect(res.data.incidents.totalCount).toBe(7);
      seen.push(...res.data.incidents.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!res.data.incidents.pageInfo.hasNextPage) {
        const beyond = await api.gql(viewer.token, Q, { after: res.data.incidents.pageInfo.endCursor });
        expect(beyond.data?.incidents).toEqual({ totalCount: 7, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
        break;
      }
      after = res.data.incidents.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const crit = await api.gql(viewer.token, Q, { f: { severity: ['CRITICAL'] }, o: { field: 'CREATED_AT', direction: 'ASC' } });
    expect(crit.data?.incidents.totalCount).toBe(4);
    const times = crit.data?.incidents.edges.map((e: { node: { createdAt: string } }) => e.node.createdAt);
    expect([...times].sort()).toEqual(times);
    const bySeverity = await api.gql(viewer.token, Q, { o: { field: 'SEVERITY', direction: 'DESC' } });
    expect(bySeverity.data?.incidents.edges.map((e: { node: { severity: string } }) => e.node.severity)).toEqual(['CRITICAL', 'CRITICAL', 'CRITICAL']);
    const bad = await api.gql(viewer.token, Q, { after: 'bm90IGEgY3Vyc29y' });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const big = await api.gql(viewer.token, `{ incidents(first: 1000) { edges { node { id } } } }`);
    expect(big.errors).toBeUndefined();
  });
});
