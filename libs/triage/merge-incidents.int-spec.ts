import crypto from 'node:crypto';
import { type Caller, Role, withCallerScope } from '@watchfloor/auth';
import { DomainError } from '@watchfloor/errors';
import type { ScopedTx, TenantDb } from '@watchfloor/tenancy';
import { seedIncident } from '../../apps/api/testing/incident-fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { mergeIncidents, type TriageOutcome } from './triage-service';

/** mergeIncidents called directly: its validation order and messages, and how it reads the incidents. */
describe('mergeIncidents', () => {
  let t: TestDatabase;
  let caller: Caller;
  const tenantA = crypto.randomUUID();
  const tenantB = crypto.randomUUID();

  beforeAll(async () => {
    t = await createTestDatabase();
    for (const id of [tenantA, tenantB]) await t.owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $2)`, [id, `t-${id.slice(0, 8)}`]);
    const [lead] = await t.owner.query(`INSERT INTO users (email, display_name, role) VALUES ('merge-lead@x.test', 'Lead', 'SOC_LEAD') RETURNING id`);
    for (const id of [tenantA, tenantB]) await t.owner.query(`INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2)`, [id, lead.id]);
    caller = { userId: lead.id, role: Role.SOC_LEAD, email: 'merge-lead@x.test', displayName: 'Lead', tenantIds: [tenantA, tenantB].sort(), allTenants: false, requestId: 'req-merge' };
  });
  afterAll(() => t.drop());

  /** Runs `work` in the caller's scope, recording every statement it sends. */
  async function traced<T>(work: (tx: ScopedTx) => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    const db = { withScope: (scope, fn) => t.db.withScope(scope, (tx) => fn({ ...tx, query: (sql, params) => (statements.push(sql), tx.query(sql, params)) })) } as TenantDb;
    const result = await withCallerScope(db, caller, work);
    return { result, statements };
  }

  async function failure(targetId: string, sourceIds: string[], expectedVersion?: number): Promise<DomainError> {
    const err = await withCallerScope(t.db, caller, (tx) => mergeIncidents(tx, caller, targetId, sourceIds, expectedVersion)).then(
      () => { throw new Error('merge should have failed'); },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }

  const numberOf = async (id: string): Promise<number> => (await t.owner.query(`SELECT number::int AS n FROM incidents WHERE id = $1`, [id]))[0].n;

  it('merges several sources, reading all the incidents in one statement', async () => {
    const target = await seedIncident(t.owner, tenantA, { alerts: 1 });
    const s1 = await seedIncident(t.owner, tenantA, { alerts: 2 });
    const s2 = await seedIncident(t.owner, tenantA, { alerts: 3 });
    const { result, statements } = await traced((tx) => mergeIncidents(tx, caller, target.incidentId, [s2.incidentId, s1.incidentId, s2.incidentId], 1));
    const outcome = result as TriageOutcome;
    expect(outcome.incident).toMatchObject({ id: target.incidentId, alertCount: 6, version: 2, status: 'NEW' });
    // Sources are closed and announced in the order given (duplicates dropped).
    expect(outcome.others.map((o) => [o.incident.id, o.incident.status, o.incident.mergedIntoId, o.incident.alertCount, o.incident.version])).toEqual([
      [s2.incidentId, 'CLOSED', target.incidentId, 0, 2],
      [s1.incidentId, 'CLOSED', target.incidentId, 0, 2],
    ]);
    expect(outcome.activities[0].body).toBe(`Merged #${await numberOf(s2.incidentId)}, #${await numberOf(s1.incidentId)} into this incident`);
    // No read per source: before the first write, the incidents are read (and locked) in one statement.
    const reads = statements.slice(0, statements.findIndex((sql) => /^\s*UPDATE\b/i.test(sql)));
    expect(reads.filter((sql) => /^\s*SELECT\b[\s\S]*\bFROM incidents\b/i.test(sql))).toHaveLength(1);
  });

  it('keeps its checks in order: missing ids, then the version, then the target, then each source as given', async () => {
    const target = await seedIncident(t.owner, tenantA);
    const closed = await seedIncident(t.owner, tenantA, { status: 'CLOSED' });
    const other = await seedIncident(t.owner, tenantB);
    const merged = await seedIncident(t.owner, tenantA);
    const into = await seedIncident(t.owner, tenantA);
    await withCallerScope(t.db, caller, (tx) => mergeIncidents(tx, caller, into.incidentId, [merged.incidentId]));
    const missing = '0f0f0f0f-0000-4000-8000-000000000000';

    const notFound = await failure(target.incidentId, [other.incidentId, missing], 7);
    expect([notFound.code, notFound.message]).toEqual(['NOT_FOUND', `incident ${missing} not found`]);

    const stale = await failure(closed.incidentId, [other.incidentId], 7);
    expect([stale.code, stale.message, stale.details]).toEqual(['STALE_VERSION', `incident ${closed.incidentId} is at version 1, not 7: reload and retry`, { currentVersion: 1 }]);

    const notOpen = await failure(closed.incidentId, [other.incidentId]);
    expect([notOpen.code, notOpen.message]).toEqual(['INVALID_INPUT', 'the target incident is CLOSED; merge into an open incident']);

    const tenants = await failure(target.incidentId, [other.incidentId, merged.incidentId]);
    expect([tenants.code, tenants.message]).toEqual(['INVALID_INPUT', 'incidents of different tenants cannot be merged']);

    const again = await failure(target.incidentId, [merged.incidentId, other.incidentId]);
    expect([again.code, again.message]).toEqual(['INVALID_INPUT', `incident ${merged.incidentId} was already merged into ${into.incidentId}`]);

    const rows = await t.owner.query(`SELECT id, version FROM incidents WHERE id = ANY($1::uuid[]) ORDER BY id`, [[target.incidentId, closed.incidentId, other.incidentId]]);
    expect(rows.map((r: { version: number }) => r.version)).toEqual([1, 1, 1]);
  });
});
