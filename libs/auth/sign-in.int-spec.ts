import crypto from 'node:crypto';
import { type IsolationLevel, type ScopedTx, TenantDb, type TenantScope } from '@watchfloor/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../test/harness';
import { AuthResolver } from './auth.resolver';
import { IdentityService } from './identity.service';
import { hashPassword } from './passwords';
import type { ApiContext } from './request-context';

/** Records every statement sent through it. */
class RecordingDb extends TenantDb {
  readonly statements: string[] = [];
  private wrap(tx: ScopedTx): ScopedTx {
    return { ...tx, query: (sql, params) => (this.statements.push(sql), tx.query(sql, params)) };
  }
  override withScope<T>(scope: TenantScope, work: (tx: ScopedTx) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    return super.withScope(scope, (tx) => work(this.wrap(tx)), isolation);
  }
  override withoutTenant<T>(work: (tx: ScopedTx) => Promise<T>): Promise<T> {
    return super.withoutTenant((tx) => work(this.wrap(tx)));
  }
}

describe('sign-in payload', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let db: RecordingDb;
  let resolver: AuthResolver;
  let userId: string;
  const tenants = [crypto.randomUUID(), crypto.randomUUID()];
  const password = 'a long enough password';
  const ctx = { ip: '127.0.0.1' } as ApiContext;

  beforeAll(async () => {
    t = await createTestDatabase();
    r = await createTestRedis();
    for (const id of tenants) await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $2)`, [id, `t-${id.slice(0, 8)}`]);
    const [user] = await t.owner.query(`INSERT INTO users (email, display_name, role, password_hash) VALUES ('Ana@x.test', 'Ana', 'SOC_ANALYST', $1) RETURNING id`, [await hashPassword(password)]);
    userId = user.id;
    for (const id of tenants) await t.owner.query(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2)`, [id, userId]);
    db = new RecordingDb(t.owner);
    resolver = new AuthResolver(new IdentityService(db, r.redis, { jwtSecret: 's'.repeat(40), accessTtlSeconds: 900, refreshTtlSeconds: 3600, keyPrefix: `${r.prefix}:` }));
  });
  afterAll(async () => {
    await r.cleanup();
    await t.drop();
  });

  const readsOfUsers = () => db.statements.filter((sql) => /\bFROM users\b/i.test(sql)).length;

  it('answers login and refresh with the user resolved for the tokens, without reading it again', async () => {
    const expected = { id: userId, email: 'Ana@x.test', displayName: 'Ana', role: 'SOC_ANALYST', tenantIds: [...tenants].sort() };
    db.statements.length = 0;
    const login = await resolver.login(' ana@X.test ', password, ctx);
    expect(login.user).toEqual(expected);
    // The password check and the caller (with memberships); the payload adds no read of its own.
    expect(readsOfUsers()).toBe(2);

    db.statements.length = 0;
    const refreshed = await resolver.refreshToken(login.refreshToken, ctx);
    expect(refreshed.user).toEqual(expected);
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    expect(readsOfUsers()).toBe(1);
  });
});
