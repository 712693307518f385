// The parse worker thread (see event-parse-pool.ts): one EventBodyParser per request body.
import { parentPort } from 'node:worker_threads';
import { EventBodyParser } from './event-body-parser';
import type { ParseWorkerReply, ParseWorkerRequest } from './event-parse-pool';
import { IngestError } from './ingest.errors';

const port = parentPort;
if (!port) throw new Error('event-parse-worker runs as a worker thread of the ingest service');

const parsers = new Map<number, EventBodyParser>();

function fail(id: number, err: unknown): void {
  parsers.delete(id);
  const reply: ParseWorkerReply =
    err instanceof IngestError
      ? { id, ok: false, error: { code: err.code, message: err.message, details: err.details } }
      : { id, ok: false, error: { message: err instanceof Error ? err.message : String(err) } };
  port!.postMessage(reply);
}

port.on('message', (message: ParseWorkerRequest) => {
  const { id } = message;
  try {
    switch (message.op) {
      case 'start':
        parsers.set(id, new EventBodyParser(message.input));
        return;
      case 'chunk':
        // Absent after a failure already reported: the rest of the body is ignored.
        parsers.get(id)?.push(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
        return;
      case 'abort':
        parsers.delete(id);
        return;
      case 'end': {
        const parser = parsers.get(id);
        if (!parser) return;
        parsers.delete(id);
        const { copyChunks, ...batch } = parser.finish();
        const chunks = copyChunks.map((c) => ({ buffer: c.buffer as ArrayBuffer, offset: c.byteOffset, length: c.length }));
        const reply: ParseWorkerReply = { id, ok: true, batch, chunks };
        port!.postMessage(reply, [...new Set(chunks.map((c) => c.buffer))]);
        return;
      }
    }
  } catch (err) {
    fail(id, err);
  }
});
