import type { ScopedTx, TenantDb, TenantScope } from '@watchfloor/tenancy';

/**
 * One read transaction shared by everything a GraphQL request reads (queries and DataLoaders),
 * opened on first use and committed when the response is sent. Each scoped transaction costs
 * four round trips of set-up (BEGIN, scope, role, COMMIT); sharing one cuts an incident detail
 * from seven transactions to one. Writes never use it: mutations open their own transaction and
 * commit before publishing. After a failed statement the transaction is ended and later reads of
 * the request open a new one.
 */
export class ReadSession {
  private tx: Promise<ScopedTx> | null = null;
  private release: (() => void) | null = null;
  private readonly finished: Promise<unknown>[] = [];
  private closed = false;

  constructor(
    private readonly db: TenantDb,
    private readonly scope: TenantScope,
  ) {}

  private open(): Promise<ScopedTx> {
    const opened = new Promise<ScopedTx>((resolveTx, rejectTx) => {
      this.finished.push(
        this.db
          .withScope(this.scope, (tx) => {
            resolveTx(serialised(tx));
            return new Promise<void>((done) => (this.release = done));
          })
          .catch(rejectTx),
      );
    });
    return opened;
  }

  run<T>(work: (tx: ScopedTx) => Promise<T>): Promise<T> {
    if (this.closed) return this.db.withScope(this.scope, work);
    const current = (this.tx ??= this.open());
    return current.then(async (tx) => {
      try {
        return await work(tx);
      } catch (err) {
        // The transaction is aborted: end it now (one connection per request at most) and let
        // later reads of the request open a fresh one.
        if (this.tx === current) {
          const release = this.release;
          this.tx = null;
          this.release = null;
          release?.();
        }
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.tx) await this.tx.catch(() => undefined);
    this.release?.();
    await Promise.all(this.finished);
  }
}

/**
 * Loaders of one request run concurrently but share one connection: their statements are queued
 * here, one at a time, rather than handed to the driver while it is busy.
 */
function serialised(tx: ScopedTx): ScopedTx {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <R>(work: () => Promise<R>): Promise<R> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    scope: tx.scope,
    manager: tx.manager,
    session: tx.session,
    query: <T>(sql: string, params?: unknown[]) => queued(() => tx.query<T>(sql, params)),
    copyIn: (sql, chunks) => queued(() => tx.copyIn(sql, chunks)),
  };
}
