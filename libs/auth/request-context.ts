import DataLoader from 'dataloader';
import type { DomainError } from '@watchfloor/errors';
import type { ScopedTx, TenantDb } from '@watchfloor/tenancy';
import { type Caller, withCallerScope } from './caller';
import type { ReadSession } from './read-session';

/** The GraphQL context of one HTTP request or one subscription message. */
export interface ApiContext {
  caller: Caller | null;
  /** Set when an Authorization header was present but invalid: every operation fails with it. */
  authError: DomainError | null;
  requestId: string;
  ip: string;
  loaders: Map<string, DataLoader<unknown, unknown>>;
  /** The request's shared read transaction (HTTP requests); absent for subscriptions. */
  session?: ReadSession | null;
}

export function newApiContext(fields: Omit<ApiContext, 'loaders'>): ApiContext {
  return { ...fields, loaders: new Map() };
}

/** Reads in the caller's scope: the request's shared transaction when there is one. */
export function withCallerRead<T>(ctx: ApiContext, db: TenantDb, work: (tx: ScopedTx) => Promise<T>): Promise<T> {
  if (ctx.session) return ctx.session.run(work);
  if (ctx.authError) throw ctx.authError;
  if (!ctx.caller) throw new Error('withCallerRead needs a signed-in caller');
  return withCallerScope(db, ctx.caller, work);
}

/** One DataLoader per request and name, so batching and caching never cross callers. */
export function loaderFor<K, V>(ctx: ApiContext, name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>): DataLoader<K, V> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch, { maxBatchSize: 500 });
    ctx.loaders.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** Rows grouped by a key, for loaders that return a list per key. */
export function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}
