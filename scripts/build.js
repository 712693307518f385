#!/usr/bin/env node
// Compiles apps/, libs/, scripts/, migrations/ and bench/ to dist/ with swc (type checking is
// `npm run typecheck`, run by `npm test`). Path aliases @watchfloor/<lib> become relative imports.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const outRoot = path.join(root, 'dist');
const roots = ['apps', 'libs', 'scripts', 'migrations', 'bench'];
const quiet = process.argv.includes('--quiet');

function swcOptions(file) {
  return {
    filename: file,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: { '@watchfloor/*': ['libs/*/index.ts'] },
    },
  };
}
module.exports.swcOptions = swcOptions;

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__fixtures__') continue;
      walk(full, out);
    } else if (entry.name.endsWith('.json') && !dir.includes('__fixtures__')) {
      out.push(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|int-spec)\.ts$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

async function main() {
  const started = Date.now();
  const files = roots.flatMap((r) => walk(path.join(root, r), []));
  fs.rmSync(outRoot, { recursive: true, force: true });
  let failed = 0;
  await Promise.all(
    files.map(async (file) => {
      try {
        if (file.endsWith('.json')) {
          // Data files the code loads at run time (e.g. the ATT&CK for ICS table).
          const dest = path.join(outRoot, path.relative(root, file));
          fs.mkdirSync(path.dirname(dest), { recursive: true });
          fs.copyFileSync(file, dest);
          return;
        }
        const { code } = await swc.transformFile(file, swcOptions(file));
        const rel = path.relative(root, file).replace(/\.ts$/, '.js');
        const dest = path.join(outRoot, rel);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, code);
      } catch (err) {
        failed++;
        console.error(`build: ${path.relative(root, file)}: ${err.message}`);
      }
    }),
  );
  if (failed) {
    console.error(`build: ${failed} file(s) failed`);
    process.exit(1);
  }
  if (!quiet) console.log(`build: ${files.length} files compiled to dist/ in ${Date.now() - started} ms`);
}

if (require.main === module) main();
