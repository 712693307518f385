// Reading the shared SigmaHQ corpus for tests and the benchmark (files are read in place, never
// copied into the project).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SIGMA_CORPUS = path.resolve(__dirname, '../../../../..', 'shared/corpora/sigma/sigmahq-sigma');
export const SIGMA_SPEC = path.resolve(__dirname, '../../../../..', 'shared/corpora/sigma/sigma-specification');

export function walkFiles(dir: string, test: (name: string) => boolean, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.')) continue;
      walkFiles(full, test, out);
    } else if (test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Rule files of the corpus: every .yml outside regression_data/, tests/ and .github/. */
export function corpusRuleFiles(): string[] {
  return walkFiles(SIGMA_CORPUS, (n) => n.endsWith('.yml')).filter((f) => {
    const rel = path.relative(SIGMA_CORPUS, f);
    return !/^(regression_data|tests|\.github)[\\/]/.test(rel);
  });
}

/** Splits concatenated JSON documents ("{...}\n{...}") as the regression files hold them. */
export function splitConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

function attributes(node: unknown): Record<string, unknown> | undefined {
  if (node !== null && typeof node === 'object' && '#attributes' in node) return (node as Record<string, Record<string, unknown>>)['#attributes'];
  return undefined;
}

/**
 * EVTX-as-JSON → the flat field map Sigma rules use (rules spec, Field Usage 3): System
 * elements by name, their XML attributes as `<Element>_<Attribute>`, EventData fields by name,
 * UserData's single child flattened the same way. Spaces in names are stripped
 * ("Threat Name" → ThreatName), as the rules spec's Field Usage section says.
 */
export function flattenEvtx(doc: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const event = (doc as { Event?: Record<string, unknown> }).Event ?? {};
  const system = (event.System ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(system)) {
    if (v !== null && typeof v === 'object') {
      const attrs = attributes(v);
      if (attrs) for (const [a, av] of Object.entries(attrs)) out[`${k}_${a}`] = av;
      if ('#text' in v) out[k] = (v as Record<string, unknown>)['#text'];
    } else {
      out[k] = v;
    }
  }
  const addData = (data: unknown): void => {
    if (data === null || typeof data !== 'object') return;
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (k === '#attributes') continue;
      out[k.replace(/\s+/g, '')] = v; // spec: field names as in the source with spaces stripped
    }
  };
  addData(event.EventData);
  const userData = event.UserData;
  if (userData !== null && typeof userData === 'object') {
    for (const [k, v] of Object.entries(userData as Record<string, unknown>)) if (k !== '#attributes') addData(v);
  }
  return out;
}
