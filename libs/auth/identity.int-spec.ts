import crypto from 'node:crypto';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { IdentityService } from './identity.service';
import { Role } from './roles';

/** An unsigned token whose header names RS256: the injected verifier stands in for the JWKS check. */
function ssoToken(sub: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', kid: 'k1' })}.${enc({ sub })}.sig`;
}

describe('IdentityService with SSO tokens', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let identity: IdentityService;
  const tenant = crypto.randomUUID();
  const identities: Record<string, { subject: string; email: string | null } | null> = {
    'sub-linked': { subject: 'sub-linked', email: 'someone-else@x.test' },
    'sub-new': { subject: 'sub-new', email: 'Email.Match@x.test' },
    'sub-unknown': { subject: 'sub-unknown', email: 'nobody@x.test' },
    'sub-disabled': { subject: 'sub-disabled', email: null },
    'sub-bad': null,
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'T', $2)`, [tenant, `t-${tenant.slice(0, 8)}`]);
    const [linked] = await t.owner.query(`INSERT INTO users (email, display_name, role, oidc_subject) VALUES ('linked@x.test', 'Linked', 'SOC_ANALYST', 'sub-linked') RETURNING id`);
    await t.owner.query(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2)`, [tenant, linked.id]);
    await t.owner.query(`INSERT INTO users (email, display_name, role) VALUES ('email.match@x.test', 'By email', 'CUSTOMER_VIEWER')`);
    await t.owner.query(`INSERT INTO users (email, display_name, role, oidc_subject, disabled) VALUES ('off@x.test', 'Off', 'SOC_LEAD', 'sub-disabled', true)`);
    identity = new IdentityService(t.db, r.redis, {
      jwtSecret: 's'.repeat(40), accessTtlSeconds: 900, refreshTtlSeconds: 3600, keyPrefix: `${r.prefix}:`,
      oidcVerifier: async (token) => identities[JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub] ?? null,
    });
  });
  afterAll(async () => {
    await r.cleanup();
    await t.drop();
  });

  it('maps a token to the user with that subject, with role and memberships from the database', async () => {
    const caller = await identity.authenticate(`Bearer ${ssoToken('sub-linked')}`, 'req-1');
    expect(caller).toMatchObject({ email: 'linked@x.test', role: Role.SOC_ANALYST, tenantIds: [tenant], allTenants: false, requestId: 'req-1' });
  });

  it('falls back to the email (case-insensitive) when no user has the subject', async () => {
    expect(await identity.authenticate(`Bearer ${ssoToken('sub-new')}`)).toMatchObject({ email: 'email.match@x.test', role: Role.CUSTOMER_VIEWER });
  });

  it('refuses unknown users, disabled users and tokens the issuer did not sign', async () => {
    await expect(identity.authenticate(`Bearer ${ssoToken('sub-unknown')}`)).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    await expect(identity.authenticate(`Bearer ${ssoToken('sub-disabled')}`)).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    await expect(identity.authenticate(`Bearer ${ssoToken('sub-bad')}`)).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    await expect(identity.authenticate('Basic abc')).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    expect(await identity.authenticate(undefined)).toBeNull();
  });
});
