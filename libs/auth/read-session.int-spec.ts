import crypto from 'node:crypto';
import { Scope } from '@watchfloor/tenancy';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { ReadSession } from './read-session';

describe('ReadSession', () => {
  let t: TestDatabase;
  const tenant = crypto.randomUUID();
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'S', $2)`, [tenant, `s-${tenant.slice(0, 8)}`]);
  });
  afterAll(() => t.drop());

  it('runs concurrent reads in one scoped transaction and commits on close', async () => {
    const session = new ReadSession(t.db, Scope.tenant(tenant));
    const pids = await Promise.all(Array.from({ length: 5 }, () => session.run((tx) => tx.query<{ pid: number; txid: string }>(`SELECT pg_backend_pid() AS pid, txid_current()::text AS txid`))));
    expect(new Set(pids.map((r) => `${r[0].pid}/${r[0].txid}`)).size).toBe(1);
    const [{ role }] = await session.run((tx) => tx.query<{ role: string }>(`SELECT current_user AS role`));
    expect(role).toBe('watchfloor_app');
    await session.close();
    const [{ open }] = await t.owner.query(`SELECT count(*)::int AS open FROM pg_stat_activity WHERE pid = $1 AND state = 'idle in transaction'`, [pids[0][0].pid]);
    expect(open).toBe(0);
  });

  it('after a failed statement, later reads get a fresh transaction', async () => {
    const session = new ReadSession(t.db, Scope.tenant(tenant));
    await expect(session.run((tx) => tx.query(`SELECT 'not-a-uuid'::uuid`))).rejects.toMatchObject({ code: '22P02' });
    const [{ n }] = await session.run((tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM tenants`));
    expect(n).toBe(1);
    await session.close();
  });
});
