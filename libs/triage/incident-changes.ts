import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { REDIS, type RedisClient } from '@watchfloor/queue';
import type { CommentVisibility } from './triage.types';

/** Redis pub/sub channel every API instance listens on; the detection worker publishes new incidents here too. */
export const INCIDENT_CHANGES_CHANNEL = 'wf:incident-changes';
export const INCIDENT_CHANGES_CHANNEL_TOKEN = Symbol('INCIDENT_CHANGES_CHANNEL');

/** What travels on the channel: ids and the activity, never a whole incident (subscribers reload it in their own scope). */
export interface IncidentChangeMessage {
  kind: 'CREATED' | 'UPDATED';
  tenantId: string;
  incidentId: string;
  version: number;
  at: string;
  activity: {
    id: string;
    kind: string;
    body: string;
    visibility: CommentVisibility | 'INTERNAL' | 'CUSTOMER';
    actorId?: string | null;
    actorKind: string;
    createdAt: string;
  } | null;
}

export async function publishIncidentChange(redis: RedisClient, change: IncidentChangeMessage, channel: string = INCIDENT_CHANGES_CHANNEL): Promise<void> {
  await redis.publish(channel, JSON.stringify(change));
}

function isMessage(value: unknown): value is IncidentChangeMessage {
  const m = value as IncidentChangeMessage;
  return !!m && typeof m === 'object' && typeof m.tenantId === 'string' && typeof m.incidentId === 'string' && (m.kind === 'CREATED' || m.kind === 'UPDATED');
}

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
      if (!isMessage(parsed)) return;
      for (const listener of this.listeners) listener(parsed);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  publish(change: IncidentChangeMessage): Promise<void> {
    return publishIncidentChange(this.redis, change, this.channel);
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
