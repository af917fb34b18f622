#!/usr/bin/env node
// `npm run bench`: each area's benchmark module exports one async function that prints its figures.
// Run a subset by name: `npm run bench -- push-ecr smoke-test`.
import { existsSync } from 'node:fs';

const benches = [
  ['bundles', './bundles.mjs', 'benchBundles'],
  ['build-image', './build-image.mjs', 'benchBuildImage'],
  ['local-stack', './local-stack.mjs', 'benchLocalStack'],
  ['hostile', './hostile.mjs', 'benchHostile'],
  ['push-ecr', './push-ecr.mjs', 'benchPushEcr'],
  ['deploy-cfn-stack', './deploy-cfn-stack.mjs', 'benchDeployCfnStack'],
  ['smoke-test', './smoke-test.mjs', 'benchSmokeTest'],
  ['runner', './runner.mjs', 'benchRunner'],
  ['release', './release.mjs', 'benchRelease']
];

const wanted = process.argv.slice(2);
let failures = 0;
for (const [name, path, exportName] of benches) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  if (!existsSync(new URL(path, import.meta.url))) continue;
  console.log(`\n## ${name}`);
  try {
    const module = await import(path);
    await module[exportName]();
  } catch (error) {
    failures += 1;
    console.error(`${name} benchmark failed: ${error instanceof Error ? error.stack : error}`);
  }
}
process.exitCode = failures > 0 ? 1 : 0;
