import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { isIncidentChangeMessage, publishIncidentChanges, REDIS, type IncidentChangeMessage, type RedisClient } from '@watchfloor/queue';

export const INCIDENT_CHANGES_CHANNEL_TOKEN = Symbol('INCIDENT_CHANGES_CHANNEL');
export type { IncidentChangeMessage };

type Listener = (message: IncidentChangeMessage) => void;

/**
 * One Redis subscriber connection per API instance, fanned out in process to each live
 * subscription. Each subscription gets a bounded queue: a slow client loses its oldest messages.
 */
@Injectable()
export class IncidentChangeHub implements OnModuleInit, OnModuleDestroy {
  private subscriber: RedisClient | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(INCIDENT_CHANGES_CHANNEL_TOKEN) readonly channel: string,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return;
      }
      if (!isIncidentChangeMessage(parsed)) return;
      for (const listener of this.listeners) listener(parsed);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  publish(change: IncidentChangeMessage): Promise<void> {
    return publishIncidentChanges(this.redis, this.channel, [change]);
  }

  /** Messages accepted by `accept`, as an async iterator that unsubscribes on return(). */
  listen<T>(accept: (m: IncidentChangeMessage) => boolean, map: (m: IncidentChangeMessage) => Promise<T | null>, maxQueue = 1000): AsyncIterableIterator<T> {
    const queue: IncidentChangeMessage[] = [];
    let waiting: ((m: IncidentChangeMessage | null) => void) | null = null;
    let done = false;
    const listener: Listener = (m) => {
      if (done || !accept(m)) return;
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(m);
      } else {
        queue.push(m);
        if (queue.length > maxQueue) queue.shift();
      }
    };
    this.listeners.add(listener);
    const stop = () => {
      done = true;
      this.listeners.delete(listener);
      if (waiting) waiting(null);
      waiting = null;
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        for (;;) {
          if (done) return { value: undefined, done: true };
          const m = queue.shift() ?? (await new Promise<IncidentChangeMessage | null>((resolve) => (waiting = resolve)));
          if (!m) return { value: undefined, done: true };
          const value = await map(m);
          if (value !== null) return { value, done: false };
        }
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
      throw: async (err) => {
        stop();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
