// Where request bodies are parsed: on the request's own thread, or in worker threads so that
// parsing (JSON.parse, normalization, hashing, COPY encoding: most of ingest's CPU) runs beside
// the thread that serves HTTP and talks to Postgres. Body bytes go to the worker as they arrive;
// the encoded batch comes back by transfer of its buffers, not by copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EventBodyParser, type BodyParseInput } from './event-body-parser';
import type { EncodedBatch } from './event-copy-encoder';
import { IngestError, type IngestErrorCode } from './ingest.errors';

/** One body being parsed. */
export interface BodyParseSession {
  /** Feeds decoded body bytes; may throw IngestError at once (inline) or fail later (threaded). */
  push(chunk: Buffer): void;
  /** True once the parse has failed: reading more of the body is pointless. */
  readonly failed: boolean;
  /** The encoded batch, or the IngestError that ended the parse. */
  finish(): Promise<EncodedBatch>;
  /** The request went away: drop the parse. */
  abort(): void;
}

export interface EventParsePool {
  /** Worker threads (0: bodies are parsed on the calling thread). */
  readonly threads: number;
  start(input: BodyParseInput): BodyParseSession;
  close(): Promise<void>;
  /** Nest calls this after the HTTP server has finished its in-flight requests. */
  onApplicationShutdown(): Promise<void>;
}

/** Messages to a parse worker. */
export type ParseWorkerRequest =
  | { op: 'start'; id: number; input: BodyParseInput }
  | { op: 'chunk'; id: number; bytes: Uint8Array }
  | { op: 'end'; id: number }
  | { op: 'abort'; id: number };

/** A worker's answer: the batch (its chunks as transferred ArrayBuffers) or why there is none. */
export type ParseWorkerReply =
  | { id: number; ok: true; batch: Omit<EncodedBatch, 'copyChunks'>; chunks: Array<{ buffer: ArrayBuffer; offset: number; length: number }> }
  | { id: number; ok: false; error: { code?: IngestErrorCode; message: string; details?: Record<string, unknown> } };

/** The built worker script beside this module (absent when running from TypeScript sources). */
export const PARSE_WORKER_SCRIPT = path.join(__dirname, 'event-parse-worker.js');

/**
 * `INGEST_PARSE_THREADS`: a number, or `auto` = one thread per core but one (for the thread that
 * serves HTTP and Postgres), at least one, at most four; `auto` is 0 when the worker script is
 * not built (tests and tools that run the TypeScript sources directly).
 */
export function resolveParseThreads(setting: number | 'auto', script = PARSE_WORKER_SCRIPT): number {
  if (setting !== 'auto') return setting;
  if (!fs.existsSync(script)) return 0;
  return Math.min(4, Math.max(1, os.availableParallelism() - 1));
}

export function createEventParsePool(threads: number, script = PARSE_WORKER_SCRIPT): EventParsePool {
  if (threads <= 0) return new InlineParsePool();
  if (!fs.existsSync(script)) {
    throw new Error(`INGEST_PARSE_THREADS=${threads} needs the built parse worker ${script} (run npm run build), or set INGEST_PARSE_THREADS=0`);
  }
  return new ThreadedParsePool(threads, script);
}

class InlineParsePool implements EventParsePool {
  readonly threads = 0;

  start(input: BodyParseInput): BodyParseSession {
    const parser = new EventBodyParser(input);
    return {
      failed: false,
      push: (chunk) => parser.push(chunk),
      finish: async () => parser.finish(),
      abort: () => undefined,
    };
  }

  async close(): Promise<void> {}

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

interface Pending {
  resolve: (batch: EncodedBatch) => void;
  reject: (err: Error) => void;
  session: { failed: boolean };
}

/** Crashes within this window that stop a thread from being started again. */
const CRASH_LIMIT = { count: 5, windowMs: 10_000 };

/** One worker thread and the sessions it holds. */
class ParseThread {
  readonly pending = new Map<number, Pending>();
  private worker: Worker;
  private closing = false;
  private crashes: number[] = [];
  /** Set when the worker keeps exiting (a broken build, say): it is not started again. */
  broken: Error | null = null;

  constructor(private readonly script: string) {
    this.worker = this.spawn();
  }

  post(message: ParseWorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
    this.failAll(new IngestError('unavailable', 'the ingest service is shutting down', {}, 5));
  }

  private spawn(): Worker {
    // A larger young generation: parsing allocates many short-lived objects per line, and fewer
    // scavenges measured about 7% less CPU per event.
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    // An idle worker must not keep a finished process alive.
    worker.unref();
    worker.on('message', (reply: ParseWorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.failAll(new Error(`parse worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (this.closing) return;
      // A crashed worker takes its sessions with it; the next request gets a fresh one, unless
      // it keeps crashing (then restarting it would only spin).
      this.failAll(new Error(`parse worker exited with code ${code}`));
      const now = Date.now();
      this.crashes = [...this.crashes.filter((t) => now - t < CRASH_LIMIT.windowMs), now];
      if (this.crashes.length >= CRASH_LIMIT.count) {
        this.broken = new Error(`parse worker exited ${this.crashes.length} times within ${CRASH_LIMIT.windowMs / 1000} s (last code ${code}): not restarted`);
        return;
      }
      this.worker = this.spawn();
    });
    return worker;
  }

  private settle(reply: ParseWorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      const copyChunks = reply.chunks.map((c) => Buffer.from(c.buffer, c.offset, c.length));
      pending.resolve({ ...reply.batch, copyChunks });
      return;
    }
    pending.session.failed = true;
    const { code, message, details } = reply.error;
    pending.reject(code ? new IngestError(code, message, details ?? {}) : new Error(`parse worker: ${message}`));
  }

  private failAll(err: Error): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.session.failed = true;
      pending.reject(err);
    }
  }
}

class ThreadedParsePool implements EventParsePool {
  private readonly workers: ParseThread[];
  private nextId = 1;

  constructor(
    readonly threads: number,
    script: string,
  ) {
    this.workers = Array.from({ length: threads }, () => new ParseThread(script));
  }

  start(input: BodyParseInput): BodyParseSession {
    // The working thread with the fewest bodies in hand.
    const working = this.workers.filter((w) => !w.broken);
    if (working.length === 0) throw this.workers[0].broken!;
    const thread = working.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
    const id = this.nextId++;
    const state = { failed: false };
    let finished = false;
    const result = new Promise<EncodedBatch>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject, session: state });
    });
    // Nobody may await a parse whose request failed early; its rejection is not unhandled.
    result.catch(() => undefined);
    thread.post({ op: 'start', id, input });
    return {
      get failed() {
        return state.failed;
      },
      push: (chunk) => {
        if (state.failed || finished) return;
        // A copy of exactly this chunk (a socket chunk can be a view of a larger buffer, and
        // posting a view would clone all of it), moved to the worker without a second copy.
        const bytes = new Uint8Array(chunk.length);
        bytes.set(chunk);
        thread.post({ op: 'chunk', id, bytes }, [bytes.buffer]);
      },
      finish: () => {
        if (!finished && !state.failed) thread.post({ op: 'end', id });
        finished = true;
        return result;
      },
      abort: () => {
        if (finished) return;
        finished = true;
        if (thread.pending.delete(id)) thread.post({ op: 'abort', id });
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
