// One POST /v1/events, independent of the HTTP framework: read and parse the body as it streams
// in, write the batch in one transaction, then hand detection a reference to it.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EventPartitionCache } from '@watchfloor/db';
import type { ParseOptions, SourceFormat } from '@watchfloor/normalize';
import { histogram } from '@watchfloor/telemetry';
import type { TenantDb } from '@watchfloor/tenancy';
import { Scope } from '@watchfloor/tenancy';
import { bodyChunks, parseContentEncoding } from './body-reader';
import type { RejectedLine } from './event-batch';
import { parseEventBody, type BodyKind, type BodyParseInput } from './event-body-parser';
import type { EventParsePool } from './event-parse-pool';
import { writeEventBatch } from './event-writer';
import { markBatchNotEnqueued } from './batch-outbox';
import { IngestError, isRetryableTransactionError } from './ingest.errors';
import type { SensorPrincipal } from './sensor-key-authenticator';

// Where a batch's time goes: reading and parsing the body (until the last record is encoded),
// then the database transaction (for capacity planning: parse threads or Postgres).
const BATCH_PHASE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const parseSeconds = histogram('watchfloor_ingest_parse_seconds', 'Reading and parsing one accepted batch, from the first body byte to the encoded rows', [], BATCH_PHASE_BUCKETS);
const writeSeconds = histogram('watchfloor_ingest_write_seconds', 'The database transaction of one accepted batch (COPY, insert, outbox row)', [], BATCH_PHASE_BUCKETS);

export const INGEST_FORMATS = ['auto', 'suricata', 'zeek', 'cef', 'ocsf', 'native'] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

const LINE_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines', 'text/plain']);

/** `Content-Type` → how the body is read, or IngestError unsupported_media_type (415). */
export function bodyKindOf(contentType: string | undefined): BodyKind {
  const [media, ...params] = (contentType ?? '').split(';');
  const type = media.trim().toLowerCase();
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw new IngestError('unsupported_media_type', `charset ${charset.slice(0, 40)} is not supported (send UTF-8)`);
  }
  if (type === 'application/json') return 'json';
  if (LINE_TYPES.has(type)) return 'lines';
  throw new IngestError(
    'unsupported_media_type',
    type ? `Content-Type ${type.slice(0, 80)} is not supported (use application/x-ndjson, application/json or text/plain)` : 'Content-Type is required (application/x-ndjson, application/json or text/plain)',
  );
}

export function parseIngestFormat(value: unknown): IngestFormat {
  if (value === undefined || value === '') return 'auto';
  if (typeof value === 'string' && (INGEST_FORMATS as readonly string[]).includes(value)) return value as IngestFormat;
  throw new IngestError('invalid_format', `format must be one of ${INGEST_FORMATS.join(', ')}`);
}

export interface IngestRequest {
  principal: SensorPrincipal;
  format: IngestFormat;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Declared Content-Length, when the client sent one. */
  contentLength: number | undefined;
  body: Readable;
  receivedAt: Date;
}

export interface IngestAccepted {
  batchId: string;
  accepted: number;
  duplicates: number;
  rejected: RejectedLine[];
  /** Total rejections (rejected lists at most the first 1000). */
  rejectedCount: number;
}

export interface EventIngestorOptions {
  maxBodyBytes: number;
  maxLineBytes: number;
  maxEventsPerBatch: number;
  retentionDays: number;
  /** Enqueue the detect job of a committed batch (jobId = batchId). */
  enqueueDetect: (job: { tenantId: string; batchId: string }) => Promise<void>;
  enqueueTimeoutMs?: number;
  onEnqueueError?: (err: unknown, batch: { tenantId: string; batchId: string }) => void;
}

const SENSOR_PRODUCTS: Record<string, string> = { SURICATA: 'suricata', ZEEK: 'zeek' };

export class EventIngestor {
  constructor(
    private readonly db: TenantDb,
    private readonly partitions: EventPartitionCache,
    private readonly options: EventIngestorOptions,
    /** Where bodies are parsed (inline or worker threads); closed by its owner. */
    private readonly parsePool: EventParsePool,
  ) {}

  /**
   * Check the request's headers before reading any of its body (415/413 early); returns how the
   * body is to be read. The route calls it before admitting the request, ingest() again for callers
   * that come straight to it.
   */
  precheck(req: Pick<IngestRequest, 'contentType' | 'contentEncoding' | 'contentLength'>): { kind: BodyKind; encoding: ReturnType<typeof parseContentEncoding> } {
    const kind = bodyKindOf(req.contentType);
    const encoding = parseContentEncoding(req.contentEncoding);
    if (req.contentLength !== undefined && req.contentLength > this.options.maxBodyBytes) {
      throw new IngestError('body_too_large', `the body exceeds the limit of ${this.options.maxBodyBytes} bytes`, { limitBytes: this.options.maxBodyBytes });
    }
    return { kind, encoding };
  }

  async ingest(req: IngestRequest): Promise<IngestAccepted> {
    const { kind, encoding } = this.precheck(req);
    const { principal } = req;
    const parseOptions: ParseOptions = {
      format: req.format as SourceFormat | 'auto',
      receivedAt: req.receivedAt,
      ...(principal.declaredLog ? { declaredLog: principal.declaredLog } : {}),
      ...(SENSOR_PRODUCTS[principal.sensorKind] ? { sensorProduct: SENSOR_PRODUCTS[principal.sensorKind] } : {}),
    };
    const input: BodyParseInput = {
      kind,
      sensorId: principal.sensorId,
      parseOptions,
      maxLineBytes: this.options.maxLineBytes,
      maxEventsPerBatch: this.options.maxEventsPerBatch,
    };
    // The decoded body is kept until the batch is written: the writer's second attempt (raw
    // re-serialized, see restorableRawJson) parses it again on this thread. It is bounded by
    // the body limit, like the rows parsed from it.
    const body: Buffer[] = [];
    const parseStarted = process.hrtime.bigint();
    const session = this.parsePool.start(input);
    try {
      for await (const chunk of bodyChunks(req.body, encoding, this.options.maxBodyBytes)) {
        body.push(chunk);
        session.push(chunk);
        if (session.failed) break;
      }
    } catch (err) {
      session.abort();
      throw err;
    }
    const batch = await session.finish();
    const writeStarted = process.hrtime.bigint();
    parseSeconds.observe(Number(writeStarted - parseStarted) / 1e9);

    const batchId = crypto.randomUUID();
    // A deadlock or serialization failure rolls everything back: run the same batch again.
    const written = await retryTransaction(() =>
      writeEventBatch(
        this.db,
        this.partitions,
        {
          tenantId: principal.tenantId,
          sensorId: principal.sensorId,
          batchId,
          receivedAt: req.receivedAt,
          batch,
          restorable: () => parseEventBody(input, body, { restorableRaw: true }),
        },
        {
          partitionWindow: {
            from: new Date(req.receivedAt.getTime() - this.options.retentionDays * 86400000),
            to: new Date(req.receivedAt.getTime() + 8 * 86400000),
          },
        },
      ),
    );
    writeSeconds.observe(Number(process.hrtime.bigint() - writeStarted) / 1e9);
    if (written.status === 'PENDING') await this.enqueue(principal.tenantId, batchId);
    return { batchId, accepted: written.accepted, duplicates: written.duplicates, rejected: batch.rejected, rejectedCount: batch.rejectedCount };
  }

  /**
   * After commit. A failure or a hang here (Redis down) still answers 202: the batch is durable
   * and PENDING, and the reconciler enqueues it. The batch was committed with enqueued_at set
   * (one transaction less per batch on the normal path); a failed enqueue clears it again, so
   * operators see which batches wait for the reconciler.
   */
  private async enqueue(tenantId: string, batchId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('detect enqueue timed out')), this.options.enqueueTimeoutMs ?? 2000);
      });
      await Promise.race([this.options.enqueueDetect({ tenantId, batchId }), timeout]);
    } catch (err) {
      this.options.onEnqueueError?.(err, { tenantId, batchId });
      await this.db.withScope(Scope.tenant(tenantId), (tx) => markBatchNotEnqueued(tx, batchId)).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function retryTransaction<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isRetryableTransactionError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
    }
  }
}
