// Runtime files outside dist (the YAML rules under rules/) are read from the repository root:
// the nearest directory above `from` that holds package.json. Works from libs/ and dist/libs/.
import fs from 'node:fs';
import path from 'node:path';

export function findRepositoryRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json found above ${from}: cannot locate the repository root`);
    dir = parent;
  }
}

/** Every *.yml / *.yaml file under `dir` (recursively), sorted by path, with its text. */
export function readRuleFiles(dir: string): { file: string; yaml: string }[] {
  const out: { file: string; yaml: string }[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name)) out.push({ file: full, yaml: fs.readFileSync(full, 'utf8') });
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
