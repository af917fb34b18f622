// push-ecr: a first push against a no-change re-push of the same image, both through the bundled action
// on the bundled local stack, as the ratio re-push / first push. The re-push reads each tag once from ECR
// (BatchGetImage) and compares it with `docker image inspect`: no login, no upload.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnLocalStack, waitForRuntime } from './local-stack-process.mjs';

const root = new URL('..', import.meta.url).pathname;
const ROUNDS = 3;

export async function benchPushEcr() {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-bench-push-'));
  const stack = spawnLocalStack(dataDir);
  const images = [];
  try {
    const { endpoint, region } = await waitForRuntime(dataDir, stack.pid);
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench'
    };
    const first = [];
    const again = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const image = buildImage(`round ${round} ${Date.now()}`);
      images.push(image);
      const inputs = { image, repository: `bench/push-${round}` };
      first.push(await timedPush(inputs, env, 'true'));
      again.push(await timedPush(inputs, env, 'false'));
    }
    const firstMs = median(first);
    const againMs = median(again);
    console.log('| push | median ms |\n| --- | ---: |');
    console.log(`| first push (create repository, login, upload) | ${firstMs.toFixed(0)} |`);
    console.log(`| no-change re-push (skip) | ${againMs.toFixed(0)} |`);
    console.log(`| ratio re-push / first push | ${(againMs / firstMs).toFixed(3)} |`);
    return { firstPushMs: firstMs, noChangeRepushMs: againMs, ratio: againMs / firstMs };
  } finally {
    stack.kill('SIGTERM');
    await new Promise((resolve) => (stack.exitCode !== null ? resolve() : stack.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
    // By ID: that also removes the registry tags push-ecr added to each image.
    const ids = images.map((image) =>
      execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8' }).trim()
    );
    if (ids.length > 0) execFileSync('docker', ['rmi', '--force', ...ids], { stdio: 'ignore' });
  }
}

function buildImage(content) {
  const context = mkdtempSync(join(tmpdir(), 'bench-push-build-'));
  const reference = `modelship-bench/push-ecr:${Math.random().toString(16).slice(2, 10)}`;
  try {
    writeFileSync(join(context, 'model.txt'), content);
    writeFileSync(join(context, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY model.txt /opt/model.txt\n');
    execFileSync('docker', ['build', '-q', '-t', reference, context], { stdio: 'ignore' });
    return reference;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Runs dist/push-ecr as the runner does and returns its wall time; checks it pushed or skipped as expected. */
async function timedPush(inputs, env, expectedPushed) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-push-step-'));
  const output = join(dir, 'output');
  writeFileSync(output, '');
  const stepEnv = { ...env, RUNNER_TEMP: dir, GITHUB_OUTPUT: output, GITHUB_STATE: join(dir, 'state') };
  writeFileSync(stepEnv.GITHUB_STATE, '');
  for (const [name, value] of Object.entries(inputs)) stepEnv[`INPUT_${name.toUpperCase()}`] = value;
  try {
    const start = performance.now();
    const code = await new Promise((resolve) => {
      spawn(process.execPath, [join(root, 'dist/push-ecr/index.js')], { env: stepEnv, stdio: 'ignore' }).once(
        'exit',
        resolve
      );
    });
    const elapsed = performance.now() - start;
    const pushed = /^pushed<<.+\n(.*)$/m.exec(readFileSync(output, 'utf8'))?.[1];
    if (code !== 0 || pushed !== expectedPushed) {
      throw new Error(`push-ecr exited ${code} with pushed=${pushed}, expected pushed=${expectedPushed}`);
    }
    return elapsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPushEcr();
