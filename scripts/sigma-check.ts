// npm run sigma:check -- <dir> [<dir>...] [--verbose] [--placeholders <file.json>]
// Compiles every Sigma rule in .yml/.yaml files under the given directories and prints how many
// compiled, how many were refused (grouped by reason) and the refused percentage. Files under an
// `unsupported/` directory (SigmaHQ's legacy `| count() by` rules) are counted separately.
// --placeholders takes a JSON object {"Name": ["value", ...]} of values for `expand` placeholders,
// as a tenant would configure them; without it, rules using placeholders are refused.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSigmaFiles, groupReasons, refusedPercent, type CheckTally, type SigmaFileText } from '../libs/detection/sigma/check-report';

function walk(dir: string, out: string[]): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      walk(full, out);
    } else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

function printTally(label: string, t: CheckTally, verbose: boolean): void {
  console.log(`${label}: ${t.files} files, ${t.rules} rules, ${t.compiled} compiled, ${t.refused.length} refused (${refusedPercent(t).toFixed(2)}%)` +
    (t.correlations || t.filters ? `, ${t.correlations} correlation documents, ${t.filters} filters` : ''));
  for (const [reason, count] of groupReasons(t.refused)) console.log(`  ${String(count).padStart(5)}  ${reason}`);
  if (verbose) for (const r of t.refused) console.log(`    ${r.path}: ${r.reason}`);
}

function main(argv: string[]): number {
  const verbose = argv.includes('--verbose');
  const phIndex = argv.indexOf('--placeholders');
  let placeholders: Record<string, string[]> | undefined;
  if (phIndex >= 0) {
    const file = argv[phIndex + 1];
    try {
      placeholders = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string[]>;
    } catch (err) {
      console.error(`sigma-check: cannot read placeholders from ${file}: ${(err as Error).message}`);
      return 2;
    }
  }
  const dirs = argv.filter((a, i) => !a.startsWith('--') && !(phIndex >= 0 && i === phIndex + 1));
  if (dirs.length === 0) {
    console.error('usage: sigma-check <dir> [<dir>...] [--verbose]');
    return 2;
  }
  const files: SigmaFileText[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      console.error(`sigma-check: not a directory: ${dir}`);
      return 2;
    }
    for (const f of walk(dir, []).sort()) {
      // validation/test fixtures of the SigmaHQ repo and CI configs are not rules
      const rel = path.relative(dir, f);
      if (/^(\.github|tests|regression_data)[\\/]/.test(rel)) continue;
      files.push({ path: rel, text: fs.readFileSync(f, 'utf8') });
    }
  }
  const report = checkSigmaFiles(files, { placeholders });
  printTally('rules', report.main, verbose);
  if (report.legacy.files > 0) printTally('legacy (unsupported/, counted separately)', report.legacy, verbose);
  console.log(`refused: ${report.main.refused.length} of ${report.main.rules} (${refusedPercent(report.main).toFixed(2)}%)`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
