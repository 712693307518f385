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
 * Splits decoded body bytes into physical lines as they arrive (synchronous, so the parse
 * worker uses it too): `onLine` gets the 1-based line number and the text without its line
 * ending; only the unfinished last line is held between chunks. A line longer than
 * maxLineBytes throws IngestError line_too_large, before it is complete when it has to.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lineNo = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (lineNo: number, text: string) => void,
  ) {}

  push(chunk: Buffer): void {
    const text = this.pending + this.decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n', this.pending.length);
    while (nl !== -1) {
      this.emit(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.pending = start === 0 ? text : text.slice(start);
    if (this.pending.length > this.maxLineBytes) throw lineTooLarge(this.lineNo + 1, this.maxLineBytes);
  }

  /** Emits the unterminated last line, if any; returns the number of lines. */
  end(): number {
    const last = this.pending + this.decoder.end();
    this.pending = '';
    if (last.length > 0) this.emit(last);
    return this.lineNo;
  }

  private emit(text: string): void {
    this.lineNo++;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    // Characters never outnumber UTF-8 bytes; count bytes only when it could matter.
    if (text.length > this.maxLineBytes || (text.length * 3 > this.maxLineBytes && Buffer.byteLength(text) > this.maxLineBytes)) {
      throw lineTooLarge(this.lineNo, this.maxLineBytes);
    }
    this.onLine(this.lineNo, text);
  }
}

/** LineSplitter over an async stream of chunks; resolves with the number of lines. */
export async function forEachLine(chunks: AsyncIterable<Buffer>, maxLineBytes: number, onLine: (lineNo: number, text: string) => void): Promise<number> {
  const splitter = new LineSplitter(maxLineBytes, onLine);
  for await (const chunk of chunks) splitter.push(chunk);
  return splitter.end();
}

function lineTooLarge(lineNo: number, limit: number): IngestError {
  return new IngestError('line_too_large', `line ${lineNo} exceeds the limit of ${limit} bytes`, { line: lineNo, limitBytes: limit });
}

/** Body bytes as text, without a leading byte order mark. */
export function bodyText(parts: Buffer[]): string {
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
