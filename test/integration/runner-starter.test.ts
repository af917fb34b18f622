import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { GitHubApiStandIn } from '../helpers/github-api.js';
import { runProgram } from '../helpers/local-stack.js';

// End to end: the starter model repository's own workflows, run by `modelship run` (the CLI bundle) on the
// local stack, as a user's repository would run them: a pull request's life, then a fork (push to main, the
// release, is runner-release.test.ts).
jest.setTimeout(1_200_000);

const CLI = join(PROJECT_ROOT, 'dist/cli/index.js');
const REPOSITORY = 'acme/diabetes-model';
const TOKEN = 'ghs_workflow_token_of_the_run';
const github = new GitHubApiStandIn(TOKEN);
let repo: string;
let stackEnv: Record<string, string>;

/** Runs the CLI without blocking this process, whose event loop serves the GitHub API stand-in. */
async function cli(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ status: number; log: string }> {
  const run = await runProgram(process.execPath, [CLI, ...args], {
    cwd: repo,
    env: { GITHUB_API_URL: github.url, ...env }
  });
  return { status: run.code, log: `${run.stdout}${run.stderr}` };
}

function pullRequest(action: string, headRepository = REPOSITORY): string {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const path = join(repo, '.local-stack', `pr-${action}-${headRepository.replace('/', '-')}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      action,
      number: 7,
      pull_request: {
        number: 7,
        head: { ref: 'feature', sha: head, repo: { full_name: headRepository } },
        base: { ref: 'main', repo: { full_name: REPOSITORY } }
      },
      repository: { full_name: REPOSITORY, default_branch: 'main' }
    })
  );
  return path;
}

beforeAll(async () => {
  await github.start();
  repo = mkdtempSync(join(tmpdir(), 'modelship-starter-'));
  cpSync(join(PROJECT_ROOT, 'action-templates/model-repo'), repo, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
  git('add', '.');
  git('-c', 'user.email=test@example.com', '-c', 'user.name=test', 'commit', '-qm', 'starter');
  // Free ports: other stacks may run on this machine; `modelship run` finds this one in ./.local-stack.
  const up = await cli(['local', 'up', '--port', '0', '--registry-port', '0']);
  if (up.status !== 0) throw new Error(up.log);
  stackEnv = await localEnvironment();
});

afterAll(async () => {
  await cli(['local', 'down']);
  await github.stop();
  rmSync(repo, { recursive: true, force: true });
});

describe('the starter repository on the local stack', () => {
  it('a pull request gets a preview and one comment, updated on synchronize, torn down on closed', async () => {
    const preview = (action: string, ...extra: string[]) =>
      cli([
        'run',
        'preview.yml',
        '--event',
        'pull_request',
        '--payload',
        pullRequest(action),
        '--secret',
        `GITHUB_TOKEN=${TOKEN}`,
        ...extra
      ]);
    const opened = await preview('opened');
    expect(opened.log).toMatch(/✓ Job preview \/ deploy: success/);
    expect(opened.log).toMatch(/○ Job preview \/ teardown: skipped/);
    expect(opened.log).toMatch(/○ Job preview \/ fork: skipped/);
    expect(opened.status).toBe(0);
    let comments = github.commentsOn(REPOSITORY, 7);
    expect(comments).toHaveLength(1);
    const id = comments[0]?.id;
    let body = comments[0]?.body ?? '';
    expect(body).toContain('## Preview endpoint `diabetes-model-pr-7`: ✅ deployed');
    expect(body).toContain('| Model version | `diabetes-model-previews/1` |');
    expect(body).toMatch(/\| Image \| `sha256:[0-9a-f]{64}` \|/);
    expect(body).toMatch(/\| two patients as JSON \| ✅ pass \| 200 \|/);
    expect(body).toContain('xychart-beta');
    expect(body).toContain('| Add | `Endpoint` | AWS::SageMaker::Endpoint | - |');
    expect(body).toContain('--endpoint-name diabetes-model-pr-7');
    const tags = awsJson('ecr', 'list-images', '--repository-name', 'diabetes-model-previews') as {
      imageIds: { imageTag?: string }[];
    };
    expect(tags.imageIds.map((image) => image.imageTag)).toEqual([
      expect.stringMatching(/^pr-7-[0-9a-f]{40}$/)
    ]);
    const stack = awsJson('cloudformation', 'describe-stacks', '--stack-name', 'diabetes-model-pr-7') as {
      Stacks: { Tags: { Key: string; Value: string }[] }[];
    };
    expect(stack.Stacks[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'modelship:preview', Value: 'true' },
        { Key: 'modelship:environment', Value: 'preview' },
        { Key: 'modelship:cost-center', Value: 'model-previews' },
        { Key: 'modelship:expires-at', Value: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) }
      ])
    );

    const synchronized = await preview('synchronize');
    expect(synchronized.status).toBe(0);
    // The same commit again: the image and version are reused, the expiry is renewed, the comment rewritten.
    expect(synchronized.log).toContain('Updated the preview comment');
    expect(github.requests).toContainEqual({
      method: 'PATCH',
      path: `/repos/${REPOSITORY}/issues/comments/${String(id)}`
    });
    comments = github.commentsOn(REPOSITORY, 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(id);
    body = comments[0]?.body ?? '';
    expect(body).toContain('| Model version | `diabetes-model-previews/1` |');
    expect(body).toContain('No changes: the stack already matched this version.');

    const closed = await preview('closed');
    expect(closed.log).toMatch(/○ Job preview \/ deploy: skipped/);
    expect(closed.log).toMatch(/✓ Job preview \/ teardown: success/);
    expect(closed.status).toBe(0);
    expect(liveStacks()).not.toContain('diabetes-model-pr-7');
    expect(awsJson('ecr', 'list-images', '--repository-name', 'diabetes-model-previews')).toEqual({
      imageIds: []
    });
    expect(
      awsJson('sagemaker', 'list-model-packages', '--model-package-group-name', 'diabetes-model-previews')
    ).toEqual({ ModelPackageSummaryList: [] });
    comments = github.commentsOn(REPOSITORY, 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('## Preview endpoint `diabetes-model-pr-7`: torn down');

    // Reopened with a preview that expires at once: the scheduled sweep deletes it.
    const reopened = await preview('reopened', '--var', 'PREVIEW_TTL_HOURS=0');
    expect(reopened.status).toBe(0);
    expect(liveStacks()).toContain('diabetes-model-pr-7');
    const sweep = await cli([
      'run',
      'preview-sweep.yml',
      '--event',
      'schedule',
      '--secret',
      `GITHUB_TOKEN=${TOKEN}`
    ]);
    expect(sweep.log).toMatch(/diabetes-model-pr-7 expired at /);
    expect(sweep.status).toBe(0);
    expect(liveStacks()).not.toContain('diabetes-model-pr-7');
    expect(awsJson('ecr', 'list-images', '--repository-name', 'diabetes-model-previews')).toEqual({
      imageIds: []
    });
  });

  it('a pull request from a fork gets no credentials and is tested on a local stack inside its job', async () => {
    const requestsBefore = github.requests.length;
    const fork = await cli([
      'run',
      'preview.yml',
      '--event',
      'pull_request',
      '--payload',
      pullRequest('opened', 'mallory/diabetes-model'),
      '--secret',
      'DEPLOY_KEY=fork-must-not-see',
      '--secret',
      `GITHUB_TOKEN=${TOKEN}`
    ]);
    expect(fork.log).toMatch(/✓ Job preview \/ fork: success/);
    expect(fork.status).toBe(0);
    expect(fork.log).toContain('Pull request from a fork: secrets and OIDC tokens are withheld');
    expect(fork.log).toMatch(/○ Job preview \/ deploy: skipped/);
    expect(fork.log).not.toContain('configure-aws-credentials');
    expect(fork.log).toContain('later steps call it, with no cloud credentials');
    expect(fork.log).toContain('PASS smoke/predict-json.json');
    expect(fork.log).toContain('Fork pull request: tested on a local stack inside the job');
    // No comment: a fork's token cannot write, so the job summary is its report.
    expect(github.requests.length).toBe(requestsBefore);
  });
});

/** The AWS CLI in the account the workflows' roles belong to (a 12-digit key id selects it locally). */
function awsJson(...args: string[]): unknown {
  return JSON.parse(
    execFileSync('aws', ['--output', 'json', ...args], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ...stackEnv, AWS_ACCESS_KEY_ID: '123456789012' }
    })
  );
}

function liveStacks(): string[] {
  const listed = awsJson(
    'cloudformation',
    'list-stacks',
    '--stack-status-filter',
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE'
  ) as { StackSummaries: { StackName: string }[] };
  return listed.StackSummaries.map((stack) => stack.StackName);
}

/** The local stack's AWS_* variables (`modelship local env`), read once it is up. */
async function localEnvironment(): Promise<Record<string, string>> {
  const exports = (await cli(['local', 'env'])).log;
  return Object.fromEntries(
    [...exports.matchAll(/^export (\w+)='([^']*)'$/gm)].map((match) => [
      match[1] as string,
      match[2] as string
    ])
  );
}
