// One request body, from decoded bytes to an EncodedBatch: line splitting, parsing, in-batch
// deduplication and binary COPY encoding. Synchronous and free of I/O, so the same code runs on
// the request's thread or in a parse worker (event-parse-pool.ts).
import type { ParseOptions } from '@watchfloor/normalize';
import { bodyText, LineSplitter } from './body-reader';
import { EventBatchAssembler } from './event-batch';
import { EventCopyEncoder, type EncodedBatch, type EncodeOptions } from './event-copy-encoder';
import { IngestError } from './ingest.errors';

export type BodyKind = 'lines' | 'json';

/** What a body parser needs to know about its request (plain data: it is posted to workers). */
export interface BodyParseInput {
  kind: BodyKind;
  sensorId: string;
  parseOptions: ParseOptions;
  maxLineBytes: number;
  maxEventsPerBatch: number;
}

export class EventBodyParser {
  private readonly assembler: EventBatchAssembler;
  private readonly encoder: EventCopyEncoder;
  private readonly lines: LineSplitter | null;
  private readonly jsonParts: Buffer[] = [];

  constructor(
    private readonly input: BodyParseInput,
    options: EncodeOptions = {},
  ) {
    // Rows are encoded as they are accepted: no row objects outlive their line.
    this.encoder = new EventCopyEncoder(options);
    this.assembler = new EventBatchAssembler(input.sensorId, input.parseOptions, input.maxEventsPerBatch, (row) => this.encoder.add(row));
    this.lines = input.kind === 'lines' ? new LineSplitter(input.maxLineBytes, (lineNo, text) => this.assembler.addLine(lineNo, text)) : null;
  }

  /** Throws IngestError (line_too_large, too_many_events) as soon as the body breaks a limit. */
  push(chunk: Buffer): void {
    if (this.lines) this.lines.push(chunk);
    else this.jsonParts.push(chunk);
  }

  finish(): EncodedBatch {
    if (this.lines) this.lines.end();
    else this.readJson(bodyText(this.jsonParts));
    const batch = this.assembler.finish();
    if (batch.records - batch.rejectedCount === 0) {
      throw new IngestError(
        'no_valid_events',
        batch.records === 0 ? 'the body holds no events' : `none of the ${batch.records} records could be parsed`,
        { rejected: batch.rejected.slice(0, 100) },
      );
    }
    return this.encoder.finish(batch);
  }

  /**
   * application/json: one object, or an array whose element i is reported as line i + 1. A body
   * that is not one JSON value but has several lines is read as NDJSON (shippers often label
   * NDJSON as application/json).
   */
  private readJson(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (text.trim() === '') return;
      if (text.trim().includes('\n')) {
        const splitter = new LineSplitter(this.input.maxLineBytes, (lineNo, line) => this.assembler.addLine(lineNo, line));
        splitter.push(Buffer.from(text));
        splitter.end();
        return;
      }
      throw new IngestError('invalid_body', `invalid JSON: ${(err as Error).message.slice(0, 200)}`);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.assembler.addRecord(i + 1, value[i]);
    } else {
      this.assembler.addRecord(1, value);
    }
  }
}

/** A whole body at once (the inline path and the writer's restorable second attempt). */
export function parseEventBody(input: BodyParseInput, chunks: Buffer[], options: EncodeOptions = {}): EncodedBatch {
  const parser = new EventBodyParser(input, options);
  for (const chunk of chunks) parser.push(chunk);
  return parser.finish();
}
