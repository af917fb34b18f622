import { jest } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { GitHubApiStandIn } from '../helpers/github-api.js';
import { startMlflowServer, type RunningMlflowServer } from '../mlflow-server/server.js';

// End to end: the starter repository's release switched to an MLflow registry as a user would (the
// reusable workflow's registry inputs, the tracking server in a repository variable, its token a secret),
// run by `modelship run` on one local stack. The aliases staging and champion stand for the approval
// states; who approved comes from GitHub's run approvals API (a stand-in here).
jest.setTimeout(600_000);

const CLI = join(PROJECT_ROOT, 'dist/cli/index.js');
const REPOSITORY = 'acme/diabetes-model';
const MODEL = 'diabetes-model';
const MLFLOW_TOKEN = 'mlflow-token-for-tests';
const GITHUB_TOKEN = 'github-token-for-tests';
let repo: string;
let mlflow: RunningMlflowServer;
let github: GitHubApiStandIn;
let localEnv: Record<string, string> | undefined;

/**
 * The CLI, asynchronously: the MLflow and GitHub stand-ins answer from this process while it runs. The
 * MLflow token is a secret and the tracking server a variable, as a model repository keeps them.
 */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number; log: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, log: `${stdout}${stderr}` });
      }
    );
  });
}

function release(args: string[], env: Record<string, string> = {}) {
  return cli(
    [
      'run',
      ...args,
      '--var',
      `MLFLOW_TRACKING_URI=${mlflow.url}`,
      '--secret',
      `MLFLOW_TRACKING_TOKEN=${MLFLOW_TOKEN}`
    ],
    env
  );
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], {
    cwd: repo,
    stdio: 'ignore'
  });
}

/** The AWS CLI against the repository's local stack, in the account of the starter workflows' roles. */
async function aws(...args: string[]): Promise<Record<string, unknown>> {
  // The stack's environment does not change while it runs: read it once.
  localEnv ??= Object.fromEntries(
    [...(await cli(['local', 'env'])).log.matchAll(/^export (\w+)='([^']*)'$/gm)].map((match) => [
      match[1] as string,
      match[2] as string
    ])
  );
  const env = localEnv;
  return JSON.parse(
    execFileSync('aws', ['--output', 'json', ...args], {
      cwd: repo,
      encoding: 'utf8',
      // A 12-digit access key id selects that account on the local stack.
      env: { ...process.env, ...env, AWS_ACCESS_KEY_ID: '123456789012' }
    })
  ) as Record<string, unknown>;
}

/** A version's tags, as MLflow's REST API holds them. */
function tags(version: number): Record<string, string> {
  const found = mlflow.models.get(MODEL)?.versions.find((entry) => entry.version === String(version));
  if (!found) throw new Error(`no version ${version} of ${MODEL} in the MLflow server`);
  return Object.fromEntries(found.tags.map((tag) => [tag.key, tag.value]));
}

function alias(name: string): string | undefined {
  return mlflow.models.get(MODEL)?.aliases.get(name);
}

/** What the production endpoint runs: its stack's parameters and the image of its current model. */
async function production(): Promise<{
  image: string | undefined;
  version: string | undefined;
  serving: string;
}> {
  const stacks = (await aws('cloudformation', 'describe-stacks', '--stack-name', 'diabetes-model-prod')) as {
    Stacks: { Parameters: { ParameterKey: string; ParameterValue: string }[] }[];
  };
  const parameter = (key: string) =>
    stacks.Stacks[0]?.Parameters.find((entry) => entry.ParameterKey === key)?.ParameterValue;
  const endpoint = (await aws(
    'sagemaker',
    'describe-endpoint',
    '--endpoint-name',
    'diabetes-model-prod'
  )) as {
    EndpointConfigName: string;
  };
  const config = (await aws(
    'sagemaker',
    'describe-endpoint-config',
    '--endpoint-config-name',
    endpoint.EndpointConfigName
  )) as { ProductionVariants: { ModelName: string }[] };
  const model = (await aws(
    'sagemaker',
    'describe-model',
    '--model-name',
    config.ProductionVariants[0]?.ModelName ?? ''
  )) as { PrimaryContainer: { Image: string } };
  return {
    image: parameter('ImageUri'),
    version: parameter('ModelVersion'),
    serving: model.PrimaryContainer.Image
  };
}

/** Replaces one piece of a starter workflow in the copy, failing loudly when the starter changed. */
function edit(file: string, text: string, replacement: string[]): void {
  const path = join(repo, '.github/workflows', file);
  const starter = readFileSync(path, 'utf8');
  if (!starter.includes(text))
    throw new Error(`${file} no longer has ${JSON.stringify(text)}: update this test`);
  writeFileSync(path, starter.replace(text, `${replacement.join('\n')}\n`));
}

beforeAll(async () => {
  mlflow = await startMlflowServer({ token: MLFLOW_TOKEN });
  github = new GitHubApiStandIn(GITHUB_TOKEN);
  await github.start();
  repo = mkdtempSync(join(tmpdir(), 'modelship-release-mlflow-'));
  cpSync(join(PROJECT_ROOT, 'action-templates/model-repo'), repo, { recursive: true });
  // The switch to MLflow, as the reusable workflows document it; and no bake (the shipped template bakes every
  // update 300 s, and the local stack bakes for real): this story's failure is the smoke test's, not an alarm's.
  const mlflowInputs = [
    '      registry: mlflow',
    '      mlflow-tracking-uri: ${{ vars.MLFLOW_TRACKING_URI }}'
  ];
  const mlflowSecrets = ['    secrets:', '      MLFLOW_TRACKING_TOKEN: ${{ secrets.MLFLOW_TRACKING_TOKEN }}'];
  edit('deploy.yml', '      model-name: diabetes-model\n', [
    '      model-name: diabetes-model',
    ...mlflowInputs
  ]);
  edit('deploy.yml', '      production-parameters: LogLevel=WARNING\n', [
    '      production-parameters: |',
    '        LogLevel=WARNING',
    '        BakeTimeSeconds=0'
  ]);
  edit('release.yml', '      model-name: diabetes-model\n', [
    '      model-name: diabetes-model',
    ...mlflowInputs
  ]);
  edit('release.yml', '      parameters: LogLevel=WARNING\n', [
    '      parameters: |',
    '        LogLevel=WARNING',
    '        BakeTimeSeconds=0'
  ]);
  for (const file of ['deploy.yml', 'release.yml']) {
    appendFileSync(join(repo, '.github/workflows', file), `${mlflowSecrets.join('\n')}\n`);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
  git('add', '.');
  git('commit', '-qm', 'starter on MLflow');
  const up = await cli(['local', 'up', '--port', '0', '--registry-port', '0']);
  if (up.status !== 0) throw new Error(up.log);
});

afterAll(async () => {
  if (repo) {
    await cli(['local', 'down']);
    rmSync(repo, { recursive: true, force: true });
  }
  await mlflow?.close();
  await github?.stop();
});

describe('the starter release on MLflow', () => {
  it('registers with lineage and alias staging, stops at the gate; approved, champion is what production serves', async () => {
    const gated = await release(['deploy.yml']);
    expect(gated.log).toMatch(/✓ Job release \/ staging: success/);
    expect(gated.log).toContain('PASS smoke/predict-json.json');
    expect(gated.log).toContain('Approve it by running again with: --approve production');
    expect(gated.status).toBe(3);
    expect(gated.log).not.toContain(MLFLOW_TOKEN);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    expect(tags(1)).toMatchObject({
      'approval-status': 'PendingManualApproval',
      'git.repository': REPOSITORY,
      'git.commit': head,
      'git.ref': 'refs/heads/main',
      'ci.run-url': expect.stringMatching(
        /^https:\/\/github\.com\/acme\/diabetes-model\/actions\/runs\/\d+$/
      ),
      'metric.r2': expect.stringMatching(/^\d/),
      'image.uri': expect.stringMatching(/diabetes-model@sha256:[0-9a-f]{64}$/)
    });
    expect(alias('staging')).toBe('1');
    expect(alias('champion')).toBeUndefined();
    // Every call carried the token from the secret.
    expect(mlflow.requests.every((request) => request.authorization === `Bearer ${MLFLOW_TOKEN}`)).toBe(true);

    // The production environment's reviewer, as GitHub's run approvals API reports them.
    github.approvals.set(REPOSITORY, [{ environment: 'production', state: 'approved', login: 'carol' }]);
    const approved = await release(
      ['deploy.yml', '--approve', 'production', '--secret', `GITHUB_TOKEN=${GITHUB_TOKEN}`],
      {
        GITHUB_API_URL: github.url,
        USER: 'alice'
      }
    );
    expect(approved.log).toMatch(/✓ Job release \/ production \/ production: success/);
    expect(approved.status).toBe(0);
    const runUrl = tags(1)['approval.run-url'] ?? '';
    expect(tags(1)).toMatchObject({
      'approval-status': 'Approved',
      'approval.by': 'carol',
      'approval.run-url': expect.stringMatching(
        /^https:\/\/github\.com\/acme\/diabetes-model\/actions\/runs\/\d+$/
      ),
      'approval.description': `Approved by carol in ${runUrl}: approved for production`
    });
    expect(github.requests).toContainEqual({
      method: 'GET',
      path: `/repos/${REPOSITORY}/actions/runs/${runUrl.split('/').pop()}/approvals`
    });
    expect(alias('champion')).toBe('1');
    // Approved, its image carries the release tag push-ecr's lifecycle policy never expires.
    const released = (await aws(
      'ecr',
      'describe-images',
      '--repository-name',
      MODEL,
      '--image-ids',
      `imageTag=release-${MODEL}-1`
    )) as { imageDetails: { imageDigest: string }[] };
    expect(released.imageDetails.map((image) => `${MODEL}@${image.imageDigest}`)).toEqual([
      tags(1)['image.uri']?.split('/').pop()
    ]);
    expect(await production()).toEqual({
      image: tags(1)['image.uri'],
      version: '1',
      serving: tags(1)['image.uri']
    });
  });

  it('a version that fails the production smoke test is rejected, and champion goes back to the previous one', async () => {
    // The same production-only bug as the SageMaker story (so Docker's cache serves both stories' builds).
    appendFileSync(
      join(repo, 'serve.py'),
      '\n\n@app.after_request\ndef _off_in_production(response):\n' +
        '    if request.path == "/invocations" and os.environ.get("LOG_LEVEL") == "WARNING" and response.status_code == 200:\n' +
        '        response.set_data(json.dumps({"predictions": [0.0]}))\n' +
        '    return response\n'
    );
    git('commit', '-qam', 'a model that is wrong in production');
    github.approvals.delete(REPOSITORY);

    const run = await release(['deploy.yml', '--approve', 'production'], { USER: 'alice' });
    expect(run.log).toMatch(/✓ Job release \/ staging: success/);
    expect(run.log).toContain(
      'Version 2 failed the production smoke test: production was rolled back to version 1, the previous approved version, and version 2 is marked Rejected.'
    );
    expect(run.status).toBe(1);
    expect(tags(2)).toMatchObject({
      'approval-status': 'Rejected',
      'approval.description': expect.stringMatching(
        /^Rejected by alice in \S+: the production smoke test failed$/
      )
    });
    expect(alias('staging')).toBe('2');
    expect(alias('champion')).toBe('1');
    expect(await production()).toEqual({
      image: tags(1)['image.uri'],
      version: '1',
      serving: tags(1)['image.uri']
    });
  });

  it('release.yml refuses to promote a rejected version; a rollback makes the version it deploys the champion', async () => {
    const dispatch = (version: string, action: string) =>
      release([
        'release.yml',
        '--event',
        'workflow_dispatch',
        '--input',
        `version=${version}`,
        '--input',
        `action=${action}`,
        '--approve',
        'production'
      ]);
    const promote = await dispatch('2', 'promote');
    expect(promote.status).toBe(1);
    expect(promote.log).toMatch(
      /diabetes-model\/2 was Rejected \(Rejected by .*: the production smoke test failed\); it cannot become Approved/
    );
    expect(alias('champion')).toBe('1');
    expect(tags(2)['approval-status']).toBe('Rejected');

    // Someone removed the alias by hand: the rollback makes the version it deploys the champion again.
    mlflow.models.get(MODEL)?.aliases.delete('champion');
    const rollback = await dispatch('1', 'rollback');
    expect(rollback.log).toContain('Stack diabetes-model-prod: no changes');
    expect(rollback.log).toContain('Alias champion now points at version 1.');
    expect(rollback.status).toBe(0);
    expect(alias('champion')).toBe('1');
  });
});
