#!/usr/bin/env node
// Bundles each action (src/actions/<name>/index.ts) and the modelship CLI (src/cli/index.ts) into
// dist/<name>/index.js with @vercel/ncc, so each bundle holds only what its entry imports.
// Usage: node scripts/bundle.mjs [name ...]   (no names: every entry)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entries = Object.fromEntries(
  readdirSync(join(root, 'src/actions'))
    .filter((name) => existsSync(join(root, 'src/actions', name, 'index.ts')))
    .map((name) => [name, `src/actions/${name}/index.ts`])
);
if (existsSync(join(root, 'src/cli/index.ts'))) entries.cli = 'src/cli/index.ts';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in entries));
if (unknown.length > 0) {
  console.error(`Unknown bundle(s): ${unknown.join(', ')}. Known: ${Object.keys(entries).join(', ')}`);
  process.exit(2);
}

for (const name of wanted.length > 0 ? wanted : Object.keys(entries)) {
  const outDir = join(root, 'dist', name);
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    join(root, 'node_modules/.bin/ncc'),
    ['build', entries[name], '--out', outDir, '--minify', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: 'inherit' }
  );
  console.log(`bundled dist/${name}/index.js`);
}
