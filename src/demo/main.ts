import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { localStackEnvironment } from '../cli/environment.js';
import { readRuntime } from '../cli/runtime-files.js';
import { runBundledAction } from '../runner/bundled-action.js';
import { demoChain, type StepOutputs } from './chain.js';

// The bundle runs as dist/demo/index.js, so the project root and the other bundles are found from it
// (process.argv[1], not import.meta.url, which the bundler rewrites).
const projectRoot = resolve(dirname(process.argv[1] ?? '.'), '..', '..');
const bundle = (name: string) => join(projectRoot, 'dist', name, 'index.js');

/**
 * `npm run demo`: starts the local stack and runs the whole chain on it, every step through its bundled
 * action as a GitHub runner would. Leaves the endpoint serving; `npx modelship local down` stops it.
 */
export async function runDemo(): Promise<number> {
  const dataDir = join(projectRoot, '.local-stack');
  const workDir = join(dataDir, 'demo');
  mkdirSync(workDir, { recursive: true });

  heading('Starting the local stack');
  const up = spawnSync(process.execPath, [bundle('cli'), 'local', 'up', '--data-dir', dataDir], {
    stdio: 'inherit'
  });
  const runtime = readRuntime(dataDir);
  if (up.status !== 0 || !runtime) {
    console.error(
      'The local stack did not start. Run `npm run setup` first (Docker engine, registry, base image).'
    );
    return 1;
  }

  const settings = {
    modelRepo: 'action-templates/model-repo',
    imageName: 'modelship-demo/diabetes-model',
    repository: 'diabetes-model',
    modelPackageGroup: 'diabetes-model',
    metricsFile: '.local-stack/demo/metrics.json',
    stackName: 'modelship-demo',
    endpointName: 'modelship-demo',
    executionRoleArn: `arn:aws:iam::${'0'.repeat(12)}:role/modelship-local-execution`
  };
  const env = { ...localStackEnvironment(runtime), ...githubContext(workDir) };
  const outputs: StepOutputs = {};

  for (const step of demoChain(settings)) {
    heading(`${step.id}: ${step.action}`);
    const run = await runBundledAction(bundle(step.action), {
      inputs: step.inputs(outputs),
      env,
      cwd: projectRoot,
      onLog: (text) => process.stdout.write(text)
    });
    outputs[step.id] = run.outputs;
    if (run.state && Object.keys(run.state).length > 0) {
      await runBundledAction(bundle(step.action), { env, cwd: projectRoot, state: run.state });
    }
    if (run.exitCode !== 0) {
      console.error(`\nThe ${step.action} step failed; the chain stops here.`);
      return 1;
    }
    if (step.id === 'build')
      extractMetrics(outputs['build']?.['image'] ?? '', join(projectRoot, settings.metricsFile));
  }

  heading('Done');
  console.log(`Endpoint ${settings.endpointName} is serving ${outputs['push']?.['image-uri']}.`);
  console.log(`Model version: ${outputs['register']?.['model-package-arn']}`);
  console.log('Try it:');
  console.log(`  eval "$(node dist/cli/index.js local env --data-dir .local-stack)"`);
  console.log(
    `  aws sagemaker-runtime invoke-endpoint --endpoint-url "$AWS_ENDPOINT_URL" --endpoint-name ${settings.endpointName} \\\n` +
      `    --content-type text/csv --body '0.038,0.051,0.062,0.022,-0.044,-0.035,-0.043,-0.003,0.02,-0.018' /dev/stdout`
  );
  console.log('Stop it with: node dist/cli/index.js local down --data-dir .local-stack');
  return 0;
}

/** Training writes its metrics inside the image; register-model records them with the version. */
function extractMetrics(image: string, destination: string): void {
  const metrics = execFileSync(
    'docker',
    ['run', '--rm', '--entrypoint', 'cat', image, '/opt/ml/model/metrics.json'],
    {
      encoding: 'utf8'
    }
  );
  writeFileSync(destination, metrics);
}

/** What a runner would set for a push of this checkout to main. */
function githubContext(workDir: string): Record<string, string> {
  const sha = gitHead();
  const eventPath = join(workDir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ repository: { default_branch: 'main' } }));
  return {
    GITHUB_WORKSPACE: projectRoot,
    GITHUB_REPOSITORY: 'modelship/starter-model',
    GITHUB_SHA: sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_RUN_ID: String(Math.floor(Date.now() / 1000)),
    GITHUB_SERVER_URL: 'https://github.com'
  };
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
  } catch {
    return '0'.repeat(40);
  }
}

function heading(text: string): void {
  console.log(`\n=== ${text} ===`);
}
