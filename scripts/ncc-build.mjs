#!/usr/bin/env node
// Builds one entry with ncc into a directory, as `ncc build <entry> --out <dir> --minify --license
// licenses.txt` does, but through ncc's Node API for the one option its command line lacks: `mainFields`.
// ncc resolves a package through `main` only, which for the AWS SDK is its CommonJS build, one file per
// package holding every command and schema. Looking at `module` first gives the bundler the SDK's ES build
// (`sideEffects: false`), from which it keeps only the commands and schemas the code imports. Packages with
// an `exports` map resolve through it as before; `module` only counts for packages without one.
// ncc's persistent cache is off: it is keyed by the working directory, not by the build options, so a cache
// left by an older build of the same checkout (before `mainFields`, say) gave check-dist different chunks.
// Usage: node scripts/ncc-build.mjs <entry> <out dir>   (run by scripts/bundle.mjs, one process per build)
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ncc from '@vercel/ncc';

const [entry, outDir] = process.argv.slice(2);
if (entry === undefined || outDir === undefined) {
  console.error('Usage: node scripts/ncc-build.mjs <entry> <out dir>');
  process.exit(2);
}

const { code, assets, symlinks } = await ncc(resolve(entry), {
  minify: true,
  license: 'licenses.txt',
  quiet: true,
  mainFields: ['module', 'main'],
  cache: false
});
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'index.js'), code, { mode: code.startsWith('#!') ? 0o755 : 0o644 });
for (const [name, asset] of Object.entries(assets)) {
  const path = join(outDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, asset.source, { mode: asset.permissions });
}
for (const [name, target] of Object.entries(symlinks)) symlinkSync(target, join(outDir, name));
