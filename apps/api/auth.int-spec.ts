import { hashRefreshToken, Role } from '@watchfloor/auth';
import { startApiTestApp, TEST_PASSWORD, type ApiTestApp } from './testing/api-test-app';

describe('identity over GraphQL', () => {
  let api: ApiTestApp;
  let tenantA: string;
  beforeAll(async () => {
    api = await startApiTestApp();
    tenantA = await api.createTenant('Alpha');
  });
  afterAll(() => api.close());

  const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken user { id email role tenantIds } } }`;
  const REFRESH = `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`;

  it('logs in, answers me, and rejects requests without or with a bad token', async () => {
    const analyst = await api.userWithToken(Role.SOC_ANALYST, [tenantA], 'Ana');
    const me = await api.gql(analyst.token, `{ me { id email role tenantIds displayName } }`);
    expect(me.data?.me).toEqual({ id: analyst.id, email: analyst.email, role: 'SOC_ANALYST', tenantIds: [tenantA], displayName: 'Ana' });
    expect((await api.gql(null, `{ me { id } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.gql('not-a-token', `{ me { id } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = analyst.token.slice(0, -4) + (analyst.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await api.gql(forged, `{ me { id } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('gives one generic error for a wrong password and an unknown user, and locks after 5 failures', async () => {
    const user = await api.userWithToken(Role.SOC_LEAD, [tenantA]);
    const wrong = await api.gql(null, LOGIN, { e: user.email, p: 'wrong password!!' });
    const unknown = await api.gql(null, LOGIN, { e: 'nobody@example.test', p: 'wrong password!!' });
    expect(wrong.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors?.[0].message).toBe(wrong.errors?.[0].message);
    for (let i = 0; i < 4; i++) await api.gql(null, LOGIN, { e: user.email, p: 'wrong password!!' });
    const locked = await api.gql(null, LOGIN, { e: user.email, p: TEST_PASSWORD });
    expect(locked.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(locked.errors?.[0].message).toBe(wrong.errors?.[0].message);
    const keys = await api.redis.redis.keys(`${api.redis.prefix}:login:account:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(await api.redis.redis.ttl(keys[0])).toBeGreaterThan(14 * 60);
  });

  it('rotates refresh tokens and revokes the family when a rotated token is reused', async () => {
    const user = await api.userWithToken(Role.CUSTOMER_VIEWER, [tenantA]);
    const first = await api.gql(null, LOGIN, { e: user.email, p: TEST_PASSWORD });
    const r1 = first.data!.login.refreshToken as string;
    const second = await api.gql(null, REFRESH, { r: r1 });
    const r2 = second.data!.refreshToken.refreshToken as string;
    expect(r2).not.toBe(r1);
    expect((await api.gql(second.data!.refreshToken.accessToken, `{ me { id } }`)).data?.me.id).toBe(user.id);
    // Reusing r1 (already rotated) is theft: r1 fails and r2, its successor, is revoked too.
    expect((await api.gql(null, REFRESH, { r: r1 })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.gql(null, REFRESH, { r: r2 })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const [{ n }] = await api.t.owner.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`, [hashRefreshToken(r1)]);
    expect(n).toBe(0);
    const [{ hashed }] = await api.t.owner.query(`SELECT bool_and(token_hash ~ '^[0-9a-f]{64}$') AS hashed FROM refresh_tokens WHERE user_id = $1`, [user.id]);
    expect(hashed).toBe(true);
  });

  it('platform admins create tenants and users, audited under the platform tenant', async () => {
    const admin = await api.userWithToken(Role.PLATFORM_ADMIN, []);
    const created = await api.gql(admin.token, `mutation { createTenant(input: { name: "Gamma Water", slug: "gamma-water", timezone: "Europe/Berlin" }) { id slug timezone } }`);
    expect(created.data?.createTenant).toMatchObject({ slug: 'gamma-water', timezone: 'Europe/Berlin' });
    const tenantId = created.data!.createTenant.id;
    const user = await api.gql(admin.token, `mutation($t: [ID!]) { createUser(input: { email: "ops@gamma.test", password: "a long enough password", role: CUSTOMER_ADMIN, tenantIds: $t }) { id role tenantIds } }`, { t: [tenantId] });
    expect(user.data?.createUser).toMatchObject({ role: 'CUSTOMER_ADMIN', tenantIds: [tenantId] });
    const dup = await api.gql(admin.token, `mutation { createTenant(input: { name: "Again", slug: "gamma-water" }) { id } }`);
    expect(dup.errors?.[0].extensions?.code).toBe('CONFLICT');
    const bad = await api.gql(admin.token, `mutation { createTenant(input: { name: "Bad", slug: "Not A Slug" }) { id } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const rows = await api.t.owner.query(`SELECT action, seq FROM audit_log WHERE tenant_id = '00000000-0000-0000-0000-000000000000' ORDER BY seq`);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['tenant.created', 'user.created']);
    const lead = await api.userWithToken(Role.SOC_LEAD, [tenantA]);
    expect((await api.gql(lead.token, `mutation { createTenant(input: { name: "X", slug: "x-x" }) { id } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const chain = await api.gql(admin.token, `query($t: ID!) { auditChainStatus(tenantId: $t) { ok checked firstBrokenSeq } }`, { t: '00000000-0000-0000-0000-000000000000' });
    expect(chain.data?.auditChainStatus).toEqual({ ok: true, checked: 2, firstBrokenSeq: null });
  });

  it('refuses over-deep and over-costly queries before running them', async () => {
    const admin = await api.userWithToken(Role.PLATFORM_ADMIN, []);
    const deep = await api.gql(admin.token, `{ me { id ${'... on User { id } '.repeat(1)} } auditLog(first: 100) { edges { node { id } } } }`);
    expect(deep.errors).toBeUndefined();
    const nested = `{ a: me { id } ${Array.from({ length: 30 }, (_, i) => `q${i}: auditLog(first: 100) { edges { node { id before after action hash prevHash } } }`).join(' ')} }`;
    const costly = await api.gql(admin.token, nested);
    expect(costly.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(costly.errors?.[0].message).toMatch(/cost/);
  });
});
