import type { TenantDb } from '../tenancy/tenant-db';
import { Scope } from '../tenancy/tenant-scope';

/** UTC days from `from` (inclusive) for `count` days, as YYYY-MM-DD. */
export function utcDays(from: Date, count: number): string[] {
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86400000).toISOString().slice(0, 10));
}

/**
 * Creates daily partitions of `events` from yesterday to `daysAhead` days ahead, and drops the
 * partitions older than the retention (plus expired rows of the default partition).
 */
export async function maintainEventPartitions(
  db: TenantDb,
  options: { now: Date; daysAhead: number; retentionDays: number },
): Promise<{ ensured: string[]; dropped: string[] }> {
  const days = utcDays(new Date(options.now.getTime() - 86400000), options.daysAhead + 2);
  return db.withScope(Scope.all('partition maintenance'), async (tx) => {
    const ensured: string[] = [];
    for (const day of days) {
      const [row] = await tx.query<{ part: string }>(`SELECT wf_ensure_event_partition($1::date) AS part`, [day]);
      ensured.push(row.part);
    }
    const dropped = await tx.query<{ part: string }>(`SELECT wf_drop_expired_event_partitions($1) AS part`, [options.retentionDays]);
    return { ensured, dropped: dropped.map((r) => r.part) };
  });
}

/** Remembers which day partitions exist so ingest asks Postgres only for new days. */
export class EventPartitionCache {
  private readonly known = new Set<string>();
  async ensure(db: TenantDb, days: Iterable<string>): Promise<void> {
    const missing = [...new Set(days)].filter((d) => !this.known.has(d));
    if (!missing.length) return;
    await db.withScope(Scope.all('create event partitions'), async (tx) => {
      for (const day of missing) await tx.query(`SELECT wf_ensure_event_partition($1::date)`, [day]);
    });
    for (const day of missing) this.known.add(day);
  }
}
