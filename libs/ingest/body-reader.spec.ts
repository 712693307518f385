import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { bodyChunks, forEachLine, parseContentEncoding } from './body-reader';
import { IngestError } from './ingest.errors';

async function* chunksOf(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p;
}

async function collect(chunks: AsyncIterable<Buffer>, maxLine = 1000): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  await forEachLine(chunks, maxLine, (n, t) => out.push([n, t]));
  return out;
}

describe('forEachLine', () => {
  it('numbers physical lines across chunk boundaries, strips CR, keeps an unterminated last line', async () => {
    const lines = await collect(chunksOf(Buffer.from('ab'), Buffer.from('c\r\n\nde'), Buffer.from('f\nlast')));
    expect(lines).toEqual([[1, 'abc'], [2, ''], [3, 'def'], [4, 'last']]);
  });

  it('reassembles a multi-byte character split between chunks', async () => {
    const bytes = Buffer.from('é€😀\n');
    const parts = [...bytes].map((b) => Buffer.from([b]));
    expect(await collect(chunksOf(...parts))).toEqual([[1, 'é€😀']]);
  });

  it('refuses a line longer than the limit, in bytes, naming the line', async () => {
    await expect(collect(chunksOf(Buffer.from('ok\n' + 'x'.repeat(11) + '\n')), 10)).rejects.toMatchObject({ code: 'line_too_large', details: { line: 2 } });
    // 4 characters, 12 bytes
    await expect(collect(chunksOf(Buffer.from('€€€€\n')), 10)).rejects.toMatchObject({ code: 'line_too_large' });
    // An endless line without a newline is refused before it is complete.
    const endless = Array.from({ length: 5 }, () => Buffer.from('y'.repeat(6)));
    await expect(collect(chunksOf(...endless), 10)).rejects.toBeInstanceOf(IngestError);
  });
});

describe('bodyChunks', () => {
  const read = async (raw: Readable, enc: 'identity' | 'gzip' | 'deflate', max: number) => {
    let n = 0;
    for await (const c of bodyChunks(raw, enc, max)) n += c.length;
    return n;
  };

  it('decompresses gzip and deflate', async () => {
    expect(await read(Readable.from([zlib.gzipSync('hello\n')]), 'gzip', 100)).toBe(6);
    expect(await read(Readable.from([zlib.deflateSync('hello\n')]), 'deflate', 100)).toBe(6);
  });

  it('stops a gzip bomb at the decompressed limit', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024));
    await expect(read(Readable.from([bomb]), 'gzip', 1024 * 1024)).rejects.toMatchObject({ code: 'body_too_large' });
  });

  it('stops a plain body at the limit and reports corrupt gzip as invalid_body', async () => {
    await expect(read(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 'identity', 1000)).rejects.toMatchObject({ code: 'body_too_large' });
    await expect(read(Readable.from([Buffer.from('plain text')]), 'gzip', 1000)).rejects.toMatchObject({ code: 'invalid_body' });
  });
});

describe('parseContentEncoding', () => {
  it('accepts identity, gzip, x-gzip and deflate; refuses the rest', () => {
    expect(parseContentEncoding(undefined)).toBe('identity');
    expect(parseContentEncoding('GZIP')).toBe('gzip');
    expect(parseContentEncoding('x-gzip')).toBe('gzip');
    expect(parseContentEncoding('deflate')).toBe('deflate');
    expect(() => parseContentEncoding('br')).toThrow(/br/);
  });
});
