import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The shared corpora beside the project (../shared/corpora from the repository root). */
export function findCorpora(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared/corpora');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('shared/corpora not found above ' + from);
}

/** `--name value` from the command line, as a number. */
export function numberArg(name: string, fallback: number, args = process.argv.slice(2)): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** Up to `max` JSON objects, one per line, from a (possibly gzipped) NDJSON file. */
export function readJsonLines(file: string, max: number): Record<string, unknown>[] {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  const out: Record<string, unknown>[] = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (out.length >= max) break;
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a record (a truncated line): skip it.
    }
  }
  return out;
}
