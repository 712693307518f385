import type { ScopedTx } from '@watchfloor/tenancy';

/**
 * TypeORM answers an UPDATE or DELETE … RETURNING with `[rows, affectedCount]` instead of the
 * rows. libs/paging's escalation-policy update reads it as rows (so an update found nothing to
 * link its levels to); until that is fixed there, the service gets a transaction that hands
 * back the rows. A pg row is an object, never an array, so the shape cannot be mistaken.
 */
export function withReturnedRows(tx: ScopedTx): ScopedTx {
  return {
    scope: tx.scope,
    manager: tx.manager,
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = (await tx.query<T>(sql, params)) as unknown;
      if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
      return result as T[];
    },
  };
}
