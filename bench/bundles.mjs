// Cold start of each action bundle: the CPU time of `node dist/<action>/index.js` with no inputs, until it
// fails on its first missing input, next to a bare `node -e 0`; and the bundle's size on disk (index.js and
// the chunks it loads on demand). Medians of several runs, as the machine may be busy.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Every action whose action.yml runs a bundle of ours (dist/<action>/index.js), unless BENCH_BUNDLES names some.
const ACTIONS =
  process.env['BENCH_BUNDLES']?.split(',') ??
  readdirSync(join(root, 'actions')).filter((name) => existsSync(join(root, 'dist', name, 'index.js')));
const RUNS = 9;
const preload = new URL('./cpu-at-exit.mjs', import.meta.url).href;

export async function benchBundles() {
  const bare = medianCpu(['-e', '0']);
  console.log(`bare node -e 0: ${bare.toFixed(1)} ms CPU (median of ${RUNS})`);
  console.log('| bundle | CPU ms | × bare node | index.js MB | all files MB |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const name of ACTIONS) {
    const dir = join(root, 'dist', name);
    const cpu = medianCpu([join(dir, 'index.js')]);
    const files = readdirSync(dir).filter((file) => file.endsWith('.js'));
    const total = files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
    const entry = statSync(join(dir, 'index.js')).size;
    console.log(`| ${name} | ${cpu.toFixed(1)} | ${(cpu / bare).toFixed(2)} | ${mb(entry)} | ${mb(total)} |`);
  }
}

function medianCpu(args) {
  const samples = [];
  for (let run = 0; run < RUNS; run += 1) {
    const child = spawnSync(process.execPath, ['--import', preload, ...args], {
      cwd: root,
      env: cleanEnv(),
      encoding: 'utf8'
    });
    const match = /cpu-ms=([\d.]+)/.exec(child.stderr);
    if (!match) throw new Error(`no CPU figure from node ${args.join(' ')}: ${child.stderr}`);
    samples.push(Number(match[1]));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** No INPUT_* variables: each action stops at its first required input, as on a runner with none set. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_')));
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
