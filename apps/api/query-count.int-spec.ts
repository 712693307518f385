import { Role } from '@watchfloor/auth';
import { TenantDb, type ScopedTx } from '@watchfloor/tenancy';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';

/** Counts transactions and statements the API sends through TenantDb (the only door to tenant data). */
function countQueries() {
  const counts = { transactions: 0, statements: 0 };
  const wrap = <T>(work: (tx: ScopedTx) => Promise<T>) => (tx: ScopedTx) => {
    counts.transactions++;
    const counted: ScopedTx = { ...tx, query: (sql, params) => { counts.statements++; return tx.query(sql, params); } };
    return work(counted);
  };
  const realWithScope = TenantDb.prototype.withScope;
  const realWithout = TenantDb.prototype.withoutTenant;
  TenantDb.prototype.withScope = function (this: TenantDb, scope, work, isolation) {
    return realWithScope.call(this, scope, wrap(work), isolation);
  } as typeof realWithScope;
  TenantDb.prototype.withoutTenant = function (this: TenantDb, work) {
    return realWithout.call(this, wrap(work));
  } as typeof realWithout;
  return {
    counts,
    restore() {
      TenantDb.prototype.withScope = realWithScope;
      TenantDb.prototype.withoutTenant = realWithout;
    },
  };
}

describe('query count (no N+1)', () => {
  let api: ApiTestApp;
  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  it('lists 50 incidents with assignee, tenant, alert count and assets in a bounded number of queries', async () => {
    const tenants = [await api.createTenant(), await api.createTenant(), await api.createTenant()];
    const lead = await api.userWithToken(Role.SOC_LEAD, tenants);
    const analysts = [await api.userWithToken(Role.SOC_ANALYST, tenants), await api.userWithToken(Role.SOC_ANALYST, tenants)];
    for (let i = 0; i < 50; i++) await seedIncident(api.t.owner, tenants[i % 3], { alerts: 1, assigneeId: analysts[i % 2].id });
    const Q = `{ incidents(first: 50) { totalCount edges { node { id alertCount assignee { displayName } tenant { name } assets { name criticality } } } } }`;
    const probe = countQueries();
    try {
      const res = await api.gql(lead.token, Q);
      expect(res.errors).toBeUndefined();
      expect(res.data?.incidents.edges).toHaveLength(50);
      expect(res.data?.incidents.edges.every((e: any) => e.node.assignee && e.node.tenant && e.node.assets.length === 1)).toBe(true);
      // The caller (1 transaction), then one shared read transaction: list count and page, users, tenants, assets.
      expect(probe.counts.transactions).toBeLessThanOrEqual(2);
      expect(probe.counts.statements).toBeLessThanOrEqual(8);
      const before = { ...probe.counts };
      const detail = await api.gql(lead.token, `{ incidents(first: 50) { edges { node { id alerts { id incident { id } } timeline { actor { displayName } } events { id } } } } }`);
      expect(detail.errors).toBeUndefined();
      expect(probe.counts.transactions - before.transactions).toBeLessThanOrEqual(2);
      expect(probe.counts.statements - before.statements).toBeLessThanOrEqual(10);
    } finally {
      probe.restore();
    }
  });

  it('reads tenants, inventory and the audit log of one request in one shared transaction, in the caller scope', async () => {
    const [mine, other, hidden] = [await api.createTenant('Mine'), await api.createTenant('Other'), await api.createTenant('Hidden')];
    const lead = await api.userWithToken(Role.SOC_LEAD, [mine, other]);
    const zone = await api.gql(lead.token, `mutation($t: ID!) { upsertZone(input: { tenantId: $t, name: "Cell", purdueLevel: 1, cidrs: ["10.30.1.0/24"] }) { id } }`, { t: mine });
    const asset = await api.gql(lead.token, `mutation($t: ID!, $z: ID) { upsertAsset(input: { tenantId: $t, name: "PLC-1", ip: "10.30.1.10", purdueLevel: 1, criticality: HIGH, zoneId: $z }) { id } }`, {
      t: mine, z: zone.data!.upsertZone.id,
    });
    await api.gql(lead.token, `mutation($t: ID!, $a: ID!) { upsertAssetVulnerability(input: { tenantId: $t, assetId: $a, cve: "CVE-2021-22779", cvss: 9.8 }) { cve } }`, { t: mine, a: asset.data!.upsertAsset.id });
    await api.gql(lead.token, `mutation($t: ID!) { createSensor(input: { tenantId: $t, name: "zeek-1", kind: ZEEK }) { apiKey } }`, { t: mine });
    const Q = `query($t: ID!) {
      tenants { id }
      assets(tenantId: $t) { totalCount edges { node { name zone { name } vulnerabilities { cve } } } }
      zones(tenantId: $t) { name } conduits(tenantId: $t) { id } sensors(tenantId: $t) { name }
      auditLog(first: 10) { totalCount edges { node { tenantId action } } }
      auditChainStatus(tenantId: $t) { ok checked }
    }`;
    const probe = countQueries();
    try {
      const res = await api.gql(lead.token, Q, { t: mine });
      expect(res.errors).toBeUndefined();
      // The caller (1 transaction), then every read of the request in the shared read transaction.
      expect(probe.counts.transactions).toBeLessThanOrEqual(2);
      const d = res.data!;
      expect(d.tenants.map((t: { id: string }) => t.id).sort()).toEqual([mine, other].sort());
      expect(d.tenants.some((t: { id: string }) => t.id === hidden)).toBe(false);
      expect(d.assets.edges).toEqual([{ node: { name: 'PLC-1', zone: { name: 'Cell' }, vulnerabilities: [{ cve: 'CVE-2021-22779' }] } }]);
      expect(d.zones).toEqual([{ name: 'Cell' }]);
      expect(d.sensors).toEqual([{ name: 'zeek-1' }]);
      // Without tenantId the audit log still shows only the caller's tenants (RLS in the shared transaction).
      expect(d.auditLog.totalCount).toBe(4);
      expect(d.auditLog.edges.every((e: { node: { tenantId: string } }) => e.node.tenantId === mine)).toBe(true);
      expect(d.auditChainStatus).toEqual({ ok: true, checked: 4 });
    } finally {
      probe.restore();
    }
  });
});
