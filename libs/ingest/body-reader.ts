// Reads a request body incrementally: decompression with the limit applied to the decompressed
// bytes (a gzip bomb stops at the limit, it never fills memory), then lines as they arrive.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { IngestError } from './ingest.errors';

export interface BodyLimits {
  /** Decompressed bytes; the raw (compressed) bytes are held to the same bound. */
  maxBodyBytes: number;
  maxLineBytes: number;
}

export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

/** `Content-Encoding` header → a supported encoding, or an IngestError (415). */
export function parseContentEncoding(header: string | undefined): ContentEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  throw new IngestError('unsupported_content_encoding', `Content-Encoding "${value.slice(0, 40)}" is not supported (use gzip, deflate or none)`);
}

function tooLarge(limit: number, what: string): IngestError {
  return new IngestError('body_too_large', `${what} exceeds the limit of ${limit} bytes`, { limitBytes: limit });
}

/**
 * The body's decoded chunks. Throws IngestError body_too_large as soon as the raw or the
 * decompressed bytes pass the limit, invalid_body when the compressed stream is corrupt.
 */
export async function* bodyChunks(raw: Readable, encoding: ContentEncoding, maxBodyBytes: number): AsyncGenerator<Buffer> {
  let rawBytes = 0;
  let decodedBytes = 0;
  const countRaw = (chunk: Buffer): void => {
    rawBytes += chunk.length;
  };
  if (encoding === 'identity') {
    // Stopping early must not destroy the request (that would reset the socket before the 413 is
    // read): the caller discards the rest with discardRest().
    for await (const chunk of raw.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      countRaw(chunk);
      if (rawBytes > maxBodyBytes) throw tooLarge(maxBodyBytes, 'the body');
      yield chunk;
    }
    return;
  }
  const inflate = encoding === 'gzip' ? zlib.createGunzip() : zlib.createInflate();
  let rawError: Error | null = null;
  raw.on('data', countRaw);
  raw.on('error', (err) => {
    rawError = err;
    inflate.destroy(err);
  });
  raw.pipe(inflate);
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBodyBytes) throw tooLarge(maxBodyBytes, 'the decompressed body');
      if (rawBytes > maxBodyBytes) throw tooLarge(maxBodyBytes, 'the body');
      yield chunk;
    }
  } catch (err) {
    if (err instanceof IngestError || rawError) throw err;
    throw new IngestError('invalid_body', `${encoding}: ${(err as Error).message}`);
  } finally {
    raw.unpipe(inflate);
    raw.off('data', countRaw);
    inflate.destroy();
  }
}

/**
 * Calls `onLine` for each physical line (1-based number, text without its line ending), as the
 * chunks arrive; only the unfinished last line is held between chunks. A line longer than
 * maxLineBytes throws IngestError line_too_large.
 */
export async function forEachLine(chunks: AsyncIterable<Buffer>, maxLineBytes: number, onLine: (lineNo: number, text: string) => void): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNo = 0;
  const emit = (text: string): void => {
    lineNo++;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    // Characters never outnumber UTF-8 bytes; count bytes only when it could matter.
    if (text.length > maxLineBytes || (text.length * 3 > maxLineBytes && Buffer.byteLength(text) > maxLineBytes)) throw lineTooLarge(lineNo, maxLineBytes);
    onLine(lineNo, text);
  };
  for await (const chunk of chunks) {
    const text = pending + decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n', pending.length);
    while (nl !== -1) {
      emit(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    pending = start === 0 ? text : text.slice(start);
    if (pending.length > maxLineBytes) throw lineTooLarge(lineNo + 1, maxLineBytes);
  }
  pending += decoder.end();
  if (pending.length > 0) emit(pending);
  return lineNo;
}

function lineTooLarge(lineNo: number, limit: number): IngestError {
  return new IngestError('line_too_large', `line ${lineNo} exceeds the limit of ${limit} bytes`, { line: lineNo, limitBytes: limit });
}

/** The whole decoded body as text (for application/json, already bounded by the body limit). */
export async function readAllText(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  const text = Buffer.concat(parts).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * After an early answer: read and drop what is left of the body, so the client can read the
 * response on a healthy connection, but close the connection past `maxBytes` more.
 */
export function discardRest(raw: Readable, maxBytes: number): void {
  if (raw.readableEnded || raw.destroyed) return;
  let dropped = 0;
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) raw.destroy();
  });
  raw.on('error', () => undefined);
  raw.resume();
}
