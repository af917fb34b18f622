#!/usr/bin/env node
// Bundles each action (src/actions/<name>/index.ts), the modelship CLI (src/cli) and the demo (src/demo) into
// dist/<name>/index.js with @vercel/ncc (run by scripts/ncc-build.mjs), so each bundle holds only what its
// entry imports.
// Usage: node scripts/bundle.mjs [name ...]   (no names: every entry)
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const root = new URL('..', import.meta.url).pathname;
const execFileAsync = promisify(execFile);
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

// Builds run side by side, one per core: ncc is single-threaded and CI rebuilds every bundle.
const queue = [...(wanted.length > 0 ? wanted : Object.keys(entries))];
const workers = Array.from({ length: Math.min(cpus().length, queue.length) }, async () => {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) await bundle(name);
});
const results = await Promise.allSettled(workers);
if (results.some((result) => result.status === 'rejected')) process.exit(1);

async function bundle(name) {
  const outDir = join(root, 'dist', name);
  // Built beside the old bundle and swapped in only on success: a failed build never leaves dist/ without it.
  const buildDir = `${outDir}.building`;
  rmSync(buildDir, { recursive: true, force: true });
  try {
    await execFileAsync(process.execPath, [join(root, 'scripts/ncc-build.mjs'), entries[name], buildDir], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024
    });
    await minifyChunks(buildDir);
  } catch (error) {
    rmSync(buildDir, { recursive: true, force: true });
    console.error(
      `bundling ${name} failed; dist/${name} was left as it was\n${error.stdout ?? ''}${error.stderr ?? ''}`
    );
    throw error;
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(buildDir, outDir);
  console.log(`bundled dist/${name}/index.js`);
}

/**
 * ncc's --minify covers index.js only, not the chunks it splits off for dynamic imports (the AWS SDK
 * clients), which are most of a bundle. They get the same treatment: compressed, whitespace out and local
 * names mangled, but function and class names kept, so stack traces still name the functions.
 */
async function minifyChunks(dir) {
  for (const file of readdirSync(dir).filter((name) => /^\d+\.index\.js$/.test(name))) {
    const path = join(dir, file);
    const { code } = await minify(readFileSync(path, 'utf8'), {
      module: true,
      compress: { keep_classnames: true, keep_fnames: true },
      mangle: { keep_classnames: true, keep_fnames: true }
    });
    if (code === undefined) throw new Error(`terser returned nothing for ${path}`);
    writeFileSync(path, code);
  }
}
