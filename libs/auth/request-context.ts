import DataLoader from 'dataloader';
import type { DomainError } from '@watchfloor/errors';
import type { Caller } from './caller';

/** The GraphQL context of one HTTP request or one subscription message. */
export interface ApiContext {
  caller: Caller | null;
  /** Set when an Authorization header was present but invalid: every operation fails with it. */
  authError: DomainError | null;
  requestId: string;
  ip: string;
  loaders: Map<string, DataLoader<unknown, unknown>>;
}

export function newApiContext(fields: Omit<ApiContext, 'loaders'>): ApiContext {
  return { ...fields, loaders: new Map() };
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
