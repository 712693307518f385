import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Messages received so far. */
  messages: T[];
  errors: unknown[];
  /** Resolves when `count` messages have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

/** A graphql-ws subscription authenticated with connectionParams.authorization. */
export function subscribe<T = Record<string, any>>(httpUrl: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  const client: Client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  const messages: T[] = [];
  const errors: unknown[] = [];
  let notify: (() => void) | null = null;
  client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.data) messages.push(value.data as T);
        if (value.errors) errors.push(...value.errors);
        notify?.();
      },
      error: (err) => {
        errors.push(err);
        notify?.();
      },
      complete: () => undefined,
    },
  );
  return {
    messages,
    errors,
    waitFor(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            clearTimeout(timer);
            notify = null;
            resolve(messages);
          }
        };
        const timer = setTimeout(() => {
          notify = null;
          reject(new Error(`expected ${count} messages, got ${messages.length}; errors ${JSON.stringify(errors)}`));
        }, timeoutMs);
        notify = check;
        check();
      });
    },
    async close() {
      await client.dispose();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
