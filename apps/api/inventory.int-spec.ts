import { Role } from '@watchfloor/auth';
import { seedIncident } from './testing/incident-fixtures';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';
import { parseApiKey } from '@watchfloor/sensors';

describe('inventory, sensors and events over GraphQL', () => {
  let api: ApiTestApp;
  let tenant: string;
  let lead: { token: string };
  beforeAll(async () => {
    api = await startApiTestApp();
    tenant = await api.createTenant('Plant');
    lead = await api.userWithToken(Role.SOC_LEAD, [tenant]);
  });
  afterAll(() => api.close());

  it('creates and updates zones, conduits and assets with vulnerabilities, audited', async () => {
    const z1 = await api.gql(lead.token, `mutation($t: ID!) { upsertZone(input: { tenantId: $t, name: "Enterprise", purdueLevel: 4, cidrs: ["10.10.0.0/16"] }) { id cidrs } }`, { t: tenant });
    const z2 = await api.gql(lead.token, `mutation($t: ID!) { upsertZone(input: { tenantId: $t, name: "Cell 1", purdueLevel: 1, cidrs: ["10.30.1.0/24"] }) { id } }`, { t: tenant });
    expect(z1.data?.upsertZone.cidrs).toEqual(['10.10.0.0/16']);
    const renamed = await api.gql(lead.token, `mutation($t: ID!, $id: ID) { upsertZone(input: { id: $id, tenantId: $t, name: "Cell 1a", purdueLevel: 1, cidrs: ["10.30.1.0/24"] }) { id name } }`, { t: tenant, id: z2.data!.upsertZone.id });
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data?.upsertZone).toEqual({ id: z2.data!.upsertZone.id, name: 'Cell 1a' });
    const badLevel = await api.gql(lead.token, `mutation($t: ID!) { upsertZone(input: { tenantId: $t, name: "X", purdueLevel: 9, cidrs: [] }) { id } }`, { t: tenant });
    expect(badLevel.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const conduit = await api.gql(lead.token, `mutation($t: ID!, $a: ID!, $b: ID!) { upsertConduit(input: { tenantId: $t, fromZoneId: $a, toZoneId: $b, protocol: "Modbus", ports: [502] }) { protocol ports } }`, {
      t: tenant, a: z1.data!.upsertZone.id, b: z2.data!.upsertZone.id,
    });
    expect(conduit.data?.upsertConduit).toEqual({ protocol: 'modbus', ports: [502] });
    const asset = await api.gql(lead.token, `mutation($t: ID!, $z: ID) { upsertAsset(input: { tenantId: $t, name: "PLC-1", ip: "10.30.1.10", mac: "00:80:f4:01:02:03", vendor: "Schneider", purdueLevel: 1, criticality: CRITICAL, zoneId: $z }) { id ip mac } }`, {
      t: tenant, z: z2.data!.upsertZone.id,
    });
    expect(asset.data?.upsertAsset).toMatchObject({ ip: '10.30.1.10', mac: '00:80:f4:01:02:03' });
    const assetId = asset.data!.upsertAsset.id;
    for (const cvss of [7.5, 9.8]) {
      const v = await api.gql(lead.token, `mutation($t: ID!, $a: ID!, $c: Float) { upsertAssetVulnerability(input: { tenantId: $t, assetId: $a, cve: "CVE-2021-22779", cvss: $c }) { cve cvss patchState } }`, { t: tenant, a: assetId, c: cvss });
      expect(v.data?.upsertAssetVulnerability).toEqual({ cve: 'CVE-2021-22779', cvss, patchState: 'UNPATCHED' });
    }
    const list = await api.gql(lead.token, `query($t: ID!) { assets(tenantId: $t) { totalCount edges { node { name zone { name } vulnerabilities { cve cvss } } } } zones(tenantId: $t) { name } conduits(tenantId: $t) { protocol } }`, { t: tenant });
    expect(list.data?.assets).toEqual({ totalCount: 1, edges: [{ node: { name: 'PLC-1', zone: { name: 'Cell 1a' }, vulnerabilities: [{ cve: 'CVE-2021-22779', cvss: 9.8 }] } }] });
    expect(list.data?.zones.map((z: { name: string }) => z.name)).toEqual(['Cell 1a', 'Enterprise']);
    const actions = await api.t.owner.query(`SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY seq`, [tenant]);
    expect(actions.map((a: { action: string }) => a.action)).toEqual([
      'zone.created', 'zone.created', 'zone.updated', 'conduit.created', 'asset.created', 'asset_vulnerability.created', 'asset_vulnerability.updated',
    ]);
  });

  it('creates a sensor with a key shown once, stored hashed, and revokes it', async () => {
    const created = await api.gql(lead.token, `mutation($t: ID!) { createSensor(input: { tenantId: $t, name: "suricata-dmz", kind: SURICATA }) { apiKey sensor { id name kind keyRevokedAt } } }`, { t: tenant });
    const { apiKey, sensor } = created.data!.createSensor;
    expect(apiKey).toMatch(/^wfk_/);
    expect(sensor).toMatchObject({ name: 'suricata-dmz', kind: 'SURICATA', keyRevokedAt: null });
    const stored = await api.t.owner.query(`SELECT key_hash FROM api_keys WHERE sensor_id = $1`, [sensor.id]);
    expect(JSON.stringify(stored)).not.toContain(parseApiKey(apiKey)!.secret);
    const revoked = await api.gql(lead.token, `mutation($s: ID!) { revokeApiKey(sensorId: $s) { keyRevokedAt } }`, { s: sensor.id });
    expect(revoked.data?.revokeApiKey.keyRevokedAt).toBeTruthy();
    const listed = await api.gql(lead.token, `query($t: ID!) { sensors(tenantId: $t) { name } }`, { t: tenant });
    expect(listed.data?.sensors).toEqual([{ name: 'suricata-dmz' }]);
  });

  it('searches events by address, sensor and class, newest first', async () => {
    const seeded = await seedIncident(api.t.owner, tenant, { alerts: 3 });
    const res = await api.gql(lead.token, `query($f: EventFilter) { events(filter: $f, first: 2) { totalCount pageInfo { hasNextPage } edges { node { id srcIp dstIp dstPort eventClass raw } } } }`, {
      f: { srcIp: '10.10.0.5', sensorId: seeded.sensorId, eventClass: 'ot_command' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.events.totalCount).toBe(3);
    expect(res.data?.events.pageInfo.hasNextPage).toBe(true);
    expect(res.data?.events.edges[0].node).toMatchObject({ srcIp: '10.10.0.5', dstIp: '10.30.0.11', dstPort: 502, raw: { func: 'write_single_register' } });
    const none = await api.gql(lead.token, `query { events(filter: { dstIp: "192.0.2.1" }) { totalCount } }`);
    expect(none.data?.events.totalCount).toBe(0);
    const bad = await api.gql(lead.token, `query { events(filter: { srcIp: "not an ip; drop" }) { totalCount } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
