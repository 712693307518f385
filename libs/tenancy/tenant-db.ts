import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../db/migrate';
import { PgCopyIn, runCopyIn, type CopyTarget } from '../db/pg-copy-in';
import { scopeTenantIds, type TenantScope } from './tenant-scope';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** A transaction that has set its tenant scope and switched to the application role. */
export interface ScopedTx {
  readonly scope: TenantScope;
  readonly manager: EntityManager;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * `COPY … FROM STDIN` on the transaction's connection; resolves with the rows copied. For
   * temporary staging tables: Postgres refuses COPY FROM into a table under row-level security,
   * so tenant rows reach their table through an INSERT … SELECT that the policies check.
   */
  copyIn(sql: string, chunks: () => Iterable<Buffer>): Promise<number>;
  /**
   * The database session (pooled connection) this transaction runs on: the same object for every
   * transaction on that connection, for per-session state such as a temporary table.
   */
  readonly session: object;
}

/**
 * The only door to tenant data. Every transaction it opens sets `app.tenant_ids` /
 * `app.all_tenants` for its own duration (SET LOCAL semantics) and switches to `watchfloor_app`,
 * which is neither superuser nor owner, so Postgres row-level security applies even when the
 * connection itself is a superuser (a developer's DATABASE_URL often is).
 */
export class TenantDb {
  constructor(private readonly ds: DataSource) {}

  async withScope<T>(scope: TenantScope, work: (tx: ScopedTx) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    const ids = scopeTenantIds(scope);
    return this.transaction(ids === 'all' ? '' : ids.join(','), ids === 'all' ? 'on' : 'off', scope, work, isolation);
  }

  /**
   * For tables that belong to no tenant (users, refresh tokens): the application role with no
   * tenant visible, so a tenant table read here returns nothing.
   */
  async withoutTenant<T>(work: (tx: ScopedTx) => Promise<T>): Promise<T> {
    return this.transaction('', 'off', { kind: 'tenants', tenantIds: [] }, work, 'READ COMMITTED');
  }

  private async transaction<T>(
    tenantIds: string,
    all: 'on' | 'off',
    scope: TenantScope,
    work: (tx: ScopedTx) => Promise<T>,
    isolation: IsolationLevel,
  ): Promise<T> {
    const runner: QueryRunner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      // Two round trips to open a scoped transaction: BEGIN (the isolation level only when it is
      // not the default, which would cost a third), then the scope and the role switch together
      // (set_config('role', …, true) is SET LOCAL ROLE).
      await runner.startTransaction(isolation === 'READ COMMITTED' ? undefined : isolation);
      await runner.query(`SELECT set_config('app.tenant_ids', $1, true), set_config('app.all_tenants', $2, true), set_config('role', $3, true)`, [
        tenantIds,
        all,
        APP_ROLE,
      ]);
      const session = (await runner.connect()) as object;
      const tx: ScopedTx = {
        scope,
        manager: runner.manager,
        session,
        // Structured results: rows for every command (TypeORM's plain form returns [rows, count]
        // for UPDATE/DELETE … RETURNING, which callers would otherwise have to special-case).
        query: async (sql, params) => (await runner.query(sql, params as unknown[], true)).records,
        copyIn: (sql, chunks) => runCopyIn(session as CopyTarget, new PgCopyIn(sql, chunks)),
      };
      const result = await work(tx);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** Pool statistics for readiness and metrics. */
  poolStats(): { total: number; idle: number; waiting: number } {
    const pool = (this.ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    return { total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 };
  }
}
