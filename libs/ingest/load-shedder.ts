// Decides, before a body is read, whether ingest must shed load: too many batches in flight or
// a starved database pool (429), or a detection backlog the workers are not draining (503).
import { IngestError } from './ingest.errors';

export interface LoadShedderOptions {
  maxInFlight: number;
  /** Clients waiting for a database connection beyond which new batches are refused. */
  maxPoolWaiting: number;
  maxDetectBacklog: number;
  poolWaiting: () => number;
  /** Jobs waiting in the detect queue (asked at most once per backlogCacheMs). */
  detectBacklog: () => Promise<number>;
  backlogCacheMs?: number;
  /** A backlog read that hangs (Redis down) must not hang ingest. */
  backlogTimeoutMs?: number;
  now?: () => number;
  onBacklogError?: (err: unknown) => void;
}

export class LoadShedder {
  private inFlight = 0;
  private backlog = 0;
  private backlogReadAt = -Infinity;
  private backlogRead: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: LoadShedderOptions) {
    this.now = options.now ?? Date.now;
  }

  get batchesInFlight(): number {
    return this.inFlight;
  }

  /** Throws IngestError (429/503 with Retry-After) when the batch must be refused. */
  async admit(): Promise<void> {
    if (this.inFlight >= this.options.maxInFlight) {
      throw new IngestError('too_many_in_flight', `${this.inFlight} batches are being written; retry shortly`, {}, 1);
    }
    if (this.options.poolWaiting() > this.options.maxPoolWaiting) {
      throw new IngestError('too_many_in_flight', 'the database is saturated; retry shortly', {}, 1);
    }
    const backlog = await this.currentBacklog();
    if (backlog > this.options.maxDetectBacklog) {
      throw new IngestError('detect_backlog', `detection is behind (${backlog} batches waiting); retry later`, {}, 5);
    }
  }

  /** Runs one batch, counted as in flight. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  private async currentBacklog(): Promise<number> {
    if (this.now() - this.backlogReadAt >= (this.options.backlogCacheMs ?? 1000)) {
      this.backlogRead ??= this.readBacklog().finally(() => {
        this.backlogRead = null;
      });
      await this.backlogRead;
    }
    return this.backlog;
  }

  private async readBacklog(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('detect backlog read timed out')), this.options.backlogTimeoutMs ?? 500);
      });
      this.backlog = await Promise.race([this.options.detectBacklog(), timeout]);
    } catch (err) {
      // Unknown backlog: keep the last value; the database, not Redis, is what must hold the batch.
      this.options.onBacklogError?.(err);
    } finally {
      clearTimeout(timer);
      this.backlogReadAt = this.now();
    }
  }
}
