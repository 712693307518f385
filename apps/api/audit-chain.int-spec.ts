import { Role } from '@watchfloor/auth';
import { appendAudit, verifyAuditChain } from '@watchfloor/audit';
import { Scope } from '@watchfloor/tenancy';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';

describe('audit chain', () => {
  let api: ApiTestApp;
  let tenant: string;
  let lead: { id: string; token: string };
  beforeAll(async () => {
    api = await startApiTestApp();
    tenant = await api.createTenant();
    lead = await api.userWithToken(Role.SOC_LEAD, [tenant]);
  });
  afterAll(() => api.close());

  const STATUS = `query($t: ID!) { auditChainStatus(tenantId: $t) { ok checked firstBrokenSeq } }`;

  it('chains every change with seq and hashes, and detects a row tampered with by the owner', async () => {
    const { incidentId } = await seedIncident(api.t.owner, tenant);
    await api.gql(lead.token, `mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incidentId });
    await api.gql(lead.token, `mutation($id: ID!) { updateIncidentSeverity(id: $id, severity: LOW, reason: "lab network") { id } }`, { id: incidentId });
    await api.gql(lead.token, `mutation($id: ID!) { addComment(incidentId: $id, body: "checked") { id } }`, { id: incidentId });
    const rows = await api.t.owner.query(`SELECT seq::int, prev_hash, hash, action, actor_id, request_id FROM audit_log WHERE tenant_id = $1 ORDER BY seq`, [tenant]);
    expect(rows.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0].prev_hash).toBe('');
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows.every((r: { actor_id: string; request_id: string }) => r.actor_id === lead.id && r.request_id)).toBe(true);
    expect((await api.gql(lead.token, STATUS, { t: tenant })).data?.auditChainStatus).toEqual({ ok: true, checked: 3, firstBrokenSeq: null });

    await api.t.owner.query(`UPDATE audit_log SET after = jsonb_set(after, '{severity}', '"CRITICAL"') WHERE tenant_id = $1 AND seq = 2`, [tenant]);
    expect((await api.gql(lead.token, STATUS, { t: tenant })).data?.auditChainStatus).toEqual({ ok: false, checked: 1, firstBrokenSeq: 2 });
  });

  it('the application role cannot rewrite or delete audit rows', async () => {
    const attempt = api.t.db.withScope(Scope.tenant(tenant), (tx) => tx.query(`UPDATE audit_log SET action = 'x' WHERE tenant_id = $1`, [tenant]));
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
    const del = api.t.db.withScope(Scope.tenant(tenant), (tx) => tx.query(`DELETE FROM audit_log WHERE tenant_id = $1`, [tenant]));
    await expect(del).rejects.toMatchObject({ code: '42501' });
  });

  it('concurrent writers get consecutive seq numbers', async () => {
    const other = await api.createTenant();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.t.db.withScope(Scope.tenant(other), (tx) =>
          appendAudit(tx, { tenantId: other, actorId: null, actorKind: 'system', action: `test.${i}`, targetType: 'test', targetId: String(i), after: { i } }),
        ),
      ),
    );
    const status = await api.t.db.withScope(Scope.tenant(other), (tx) => verifyAuditChain(tx, other));
    expect(status).toEqual({ ok: true, checked: 12, firstBrokenSeq: null });
  });

  it('auditLog pages entries, for platform admins and SOC leads only', async () => {
    const page = await api.gql(lead.token, `query($t: ID) { auditLog(tenantId: $t, first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { seq action } } } }`, { t: tenant });
    expect(page.data?.auditLog.totalCount).toBe(3);
    expect(page.data?.auditLog.edges.map((e: any) => e.node.seq)).toEqual([3, 2]);
    const next = await api.gql(lead.token, `query($t: ID, $a: String) { auditLog(tenantId: $t, first: 2, after: $a) { edges { node { seq } } } }`, {
      t: tenant, a: page.data?.auditLog.pageInfo.endCursor,
    });
    expect(next.data?.auditLog.edges.map((e: any) => e.node.seq)).toEqual([1]);
    const analyst = await api.userWithToken(Role.SOC_ANALYST, [tenant]);
    expect((await api.gql(analyst.token, `{ auditLog { totalCount } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Platform entries (nil tenant) are visible to the all scope only.
    const leadAll = await api.gql(lead.token, `{ auditLog(first: 100) { edges { node { tenantId } } } }`);
    expect(leadAll.data?.auditLog.edges.every((e: any) => e.node.tenantId === tenant)).toBe(true);
  });
});
