#!/usr/bin/env node
// Bundles each action (src/actions/<name>/index.ts), the modelship CLI (src/cli) and the demo (src/demo) into
// dist/<name>/index.js with webpack, so each bundle holds only what its entry imports; code behind a dynamic
// import() goes to chunks (dist/<name>/<id>.index.js) loaded only on the paths that use it.
// Usage: node scripts/bundle.mjs [name ...]   (no names: every entry)
import { cpus } from 'node:os';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LicenseWebpackPlugin } from 'license-webpack-plugin';
import TerserPlugin from 'terser-webpack-plugin';
import webpack from 'webpack';

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

// Builds run side by side, one per core: a webpack build is mostly single-threaded and CI rebuilds every bundle.
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
    await build(webpackConfig(entries[name], buildDir));
    writeFileSync(join(buildDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  } catch (error) {
    rmSync(buildDir, { recursive: true, force: true });
    console.error(`bundling ${name} failed; dist/${name} was left as it was\n${error.message ?? error}`);
    throw error;
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(buildDir, outDir);
  console.log(`bundled dist/${name}/index.js`);
}

function build(config) {
  return new Promise((resolve, reject) => {
    webpack(config, (error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve();
    });
  });
}

/** @returns {import('webpack').Configuration} */
function webpackConfig(entry, outDir) {
  return {
    mode: 'production',
    context: root,
    entry: join(root, entry),
    target: 'node20',
    devtool: false,
    // Node's own globals; __dirname and __filename (used by CommonJS dependencies) name the bundle's file.
    node: { global: false, __filename: 'node-module', __dirname: 'node-module' },
    experiments: { outputModule: true },
    output: {
      path: outDir,
      filename: 'index.js',
      chunkFilename: '[id].index.js',
      module: true,
      chunkFormat: 'module',
      library: { type: 'module' }
    },
    resolve: {
      extensions: ['.ts', '.js', '.json'],
      // Sources import './x.js' (NodeNext ESM); the file on disk is x.ts.
      extensionAlias: { '.js': ['.ts', '.js'] }
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          include: join(root, 'src'),
          loader: 'ts-loader',
          // `npm run build` type-checks; here each file is only transpiled (isolatedModules holds).
          options: {
            transpileOnly: true,
            compilerOptions: { module: 'esnext', moduleResolution: 'bundler', noEmit: false }
          }
        },
        {
          // @actions/core imports @actions/http-client (and with it undici, ~0.4 MB minified) only for
          // getIDToken, which no modelship bundle calls. Its modules do nothing when imported but define
          // functions, yet TypeScript's emitted helpers (`this && this.__awaiter`) hide that from webpack's
          // own analysis; saying so here lets it drop what no bundle uses from every index.js.
          test: /[\\/]node_modules[\\/]@actions[\\/]core[\\/]lib[\\/]/,
          sideEffects: false
        }
      ]
    },
    optimization: {
      nodeEnv: false,
      moduleIds: 'deterministic',
      chunkIds: 'deterministic',
      minimizer: [
        new TerserPlugin({
          extractComments: false,
          // Function and class names kept, so a stack trace still names its functions.
          terserOptions: { module: true, keep_classnames: true, keep_fnames: true }
        })
      ]
    },
    plugins: [new LicenseWebpackPlugin({ outputFilename: 'licenses.txt', perChunkOutput: false })],
    performance: { hints: false },
    stats: 'errors-only'
  };
}
