#!/usr/bin/env node
// Bundles each action (src/actions/<name>/index.ts), the modelship CLI (src/cli) and the demo (src/demo) into
// dist/<name>/index.js with @vercel/ncc, so each bundle holds only what its entry imports.
// Usage: node scripts/bundle.mjs [name ...]   (no names: every entry)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entries = Object.fromEntries(
  readdirSync(join(root, 'src/actions'))
    .filter((name) => existsSync(join(root, 'src/actions', name, 'index.ts')))
    .map((name) => [name, `src/actions/${name}/index.ts`])
);
for (const tool of ['cli', 'demo']) {
  if (existsSync(join(root, 'src', tool, 'index.ts'))) entries[tool] = `src/${tool}/index.ts`;
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in entries));
if (unknown.length > 0) {
  console.error(`Unknown bundle(s): ${unknown.join(', ')}. Known: ${Object.keys(entries).join(', ')}`);
  process.exit(2);
}

for (const name of wanted.length > 0 ? wanted : Object.keys(entries)) {
  const outDir = join(root, 'dist', name);
  // Built beside the old bundle and swapped in only on success: a failed build never leaves dist/ without it.
  const buildDir = `${outDir}.building`;
  rmSync(buildDir, { recursive: true, force: true });
  try {
    execFileSync(
      join(root, 'node_modules/.bin/ncc'),
      ['build', entries[name], '--out', buildDir, '--minify', '--license', 'licenses.txt', '--quiet'],
      { cwd: root, stdio: 'inherit' }
    );
  } catch {
    rmSync(buildDir, { recursive: true, force: true });
    console.error(`bundling ${name} failed; dist/${name} was left as it was`);
    process.exit(1);
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(buildDir, outDir);
  console.log(`bundled dist/${name}/index.js`);
}
