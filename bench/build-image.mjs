// build-image: what the action costs on top of the build itself. The starter model is built with a warm
// layer cache, alternately by a plain `docker build` (the same builder the action picks) and by the bundled
// action run as the runner runs it (a fresh Node process with INPUT_* variables). The difference of the
// medians is the action's overhead: Node start-up, loading the bundle, the engine, buildx and commit-time
// probes, the label layers and the image inspection. Two cases: the same commit built again (its labels
// are unchanged, so the label layers come from the cache) and a new commit on an unchanged model (new
// revision and version labels: the classic builder commits one layer per label). Also prints the size of
// every dist bundle.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const CONTEXT = 'action-templates/model-repo';
const RUNS = 7;
// The checkout's own commit: its time becomes the `created` label, as on a runner after actions/checkout.
const HEAD = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

export async function benchBuildImage() {
  const image = `modelship-bench/build-image-${randomBytes(4).toString('hex')}`;
  const buildx = succeeds('docker', ['buildx', 'version']);
  const plainArgs = [
    ...(buildx ? ['buildx', 'build', '--load', '--provenance=false'] : ['build']),
    '--file',
    join(root, CONTEXT, 'Dockerfile'),
    '--tag',
    `${image}:plain`,
    join(root, CONTEXT)
  ];
  const plainEnv = buildx ? process.env : { ...process.env, DOCKER_BUILDKIT: '0' };
  const builtIds = new Set();
  try {
    // Warm-up: fills the layer cache (a cold build of the starter model takes minutes) and the page cache.
    await plainBuild(plainArgs, plainEnv);
    builtIds.add((await actionStep(image, HEAD)).imageId);

    const plain = [];
    const sameCommit = [];
    const newCommit = [];
    const startup = [];
    for (let run = 0; run < RUNS; run += 1) {
      plain.push(await plainBuild(plainArgs, plainEnv));
      const again = await actionStep(image, HEAD);
      const fresh = await actionStep(image, randomBytes(20).toString('hex'));
      for (const step of [again, fresh]) builtIds.add(step.imageId);
      sameCommit.push(again.ms);
      newCommit.push(fresh.ms);
      startup.push(await startupStep());
    }

    const plainMs = median(plain);
    const actionMs = median(sameCommit);
    const newCommitMs = median(newCommit);
    const startupMs = median(startup);
    const overheadMs = actionMs - plainMs;
    const ratio = actionMs / plainMs;
    console.log(
      `Warm-cache build of ${CONTEXT} (${buildx ? 'buildx' : 'classic builder'}), ${RUNS} runs each.`
    );
    // Process start-up dominates the overhead, and it stretches with the machine's load: say what it was.
    console.log(
      `Load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs at the end of the runs.\n`
    );
    console.log('| measure | median (ms) | overhead (ms) | ratio |\n| --- | ---: | ---: | ---: |');
    console.log(`| plain docker build | ${plainMs.toFixed(0)} | | |`);
    console.log(
      `| build-image, same commit (target: overhead < 300 ms) | ${actionMs.toFixed(0)} | ${overheadMs.toFixed(0)} | ×${ratio.toFixed(2)} |`
    );
    console.log(
      `| build-image, new commit | ${newCommitMs.toFixed(0)} | ${(newCommitMs - plainMs).toFixed(0)} | ×${(newCommitMs / plainMs).toFixed(2)} |`
    );
    console.log(
      `| of which Node start-up and bundle load (a step failing on its inputs) | ${startupMs.toFixed(0)} | | |`
    );

    const bundles = bundleSizes();
    console.log('\n| bundle | size (KiB) |\n| --- | ---: |');
    for (const [name, bytes] of Object.entries(bundles)) {
      console.log(`| dist/${name}/index.js | ${(bytes / 1024).toFixed(0)} |`);
    }
    return { plainMs, actionMs, overheadMs, ratio, newCommitMs, startupMs, bundles };
  } finally {
    removeImages(image, builtIds);
  }
}

/**
 * Removes this run's images without --force: the plain build has no labels, so its ID is shared with any
 * other unlabelled build of the starter model on this engine, and only our tag of it may go. Each new
 * commit moved the action's tag, leaving earlier builds untagged: those go by ID.
 */
function removeImages(image, builtIds) {
  const references = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', image], {
    encoding: 'utf8'
  })
    .split('\n')
    .filter(Boolean);
  if (references.length > 0) spawnSync('docker', ['image', 'rm', ...references], { stdio: 'ignore' });
  for (const id of builtIds) spawnSync('docker', ['image', 'rm', id], { stdio: 'ignore' });
}

/** One run of dist/build-image/index.js as the runner does it, on a push of `sha` to the default branch. */
async function actionStep(image, sha) {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-bench-build-image-'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  for (const file of [output, summary]) writeFileSync(file, '');
  const env = {
    ...process.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: root,
    GITHUB_REPOSITORY: 'acme/diabetes-model',
    GITHUB_SHA: sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: dir,
    INPUT_CONTEXT: CONTEXT,
    INPUT_IMAGE: image,
    INPUT_TAGS: 'action'
  };
  try {
    const { ms, log, exitCode } = await timed(
      process.execPath,
      [join(root, 'dist/build-image/index.js')],
      env
    );
    if (exitCode !== 0) throw new Error(`the build-image step failed:\n${log}`);
    const imageId = /^image-id<<(.+)\n(.*)\n/m.exec(readFileSync(output, 'utf8'))?.[2];
    return { ms, imageId };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor under any step: Node starting and loading the bundle, which then stops at the missing `image`. */
async function startupStep() {
  const env = { ...process.env, GITHUB_WORKSPACE: root, INPUT_CONTEXT: CONTEXT };
  const { ms, log, exitCode } = await timed(process.execPath, [join(root, 'dist/build-image/index.js')], env);
  if (exitCode === 0 || !log.includes("Input 'image'")) throw new Error(`expected an input error:\n${log}`);
  return ms;
}

/** Runs a program to its end; resolves with its wall time, output and exit code. */
function timed(program, args, env) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, log, exitCode: code ?? 1 }));
  });
}

async function plainBuild(args, env) {
  const { ms, log, exitCode } = await timed('docker', args, env);
  if (exitCode !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${log}`);
  return ms;
}

function succeeds(program, args) {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function bundleSizes() {
  const dist = join(root, 'dist');
  const sizes = {};
  for (const name of readdirSync(dist).sort()) {
    try {
      sizes[name] = statSync(join(dist, name, 'index.js')).size;
    } catch {
      // a folder without a bundle is not a bundle
    }
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBuildImage();
