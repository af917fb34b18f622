import { jest } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireGroup } from '../../../src/runner/concurrency.js';
import { cacheDirectory } from '../../../src/runner/node-runtime.js';
import { EXIT, runWorkflow, type RunOptions } from '../../../src/runner/run.js';
import {
  awsCredentials,
  NO_CREDENTIALS_ERROR,
  NO_TOKEN_HINT,
  type CredentialsProvider
} from '../../../src/runner/stand-ins.js';
import { PROJECT_ROOT } from '../../helpers/action-runner.js';

// The runner's semantics on small workflows of our own (test/fixtures/workflows), run for real: bash steps,
// a JavaScript action with a post step, a composite action, a reusable workflow. No AWS is involved.
jest.setTimeout(120_000);
const FIXTURE = join(PROJECT_ROOT, 'test/fixtures/workflows');
let workspace: string;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'modelship-run-test-'));
  cpSync(FIXTURE, workspace, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.email=test@example.com', '-c', 'user.name=test', 'commit', '-qm', 'fixture');
});

afterEach(() => rmSync(workspace, { recursive: true, force: true }));

async function run(
  workflow: string,
  options: Partial<RunOptions> = {}
): Promise<{ exitCode: number; log: string }> {
  const lines: string[] = [];
  const exitCode = await runWorkflow({
    workflow: join(workspace, '.github/workflows', workflow),
    workspace,
    packageRoot: PROJECT_ROOT,
    event: 'push',
    inputs: {},
    secrets: {},
    vars: {},
    approvals: [],
    protect: [],
    actionDirs: {},
    targetEnv: {},
    credentials: awsCredentials(),
    stateDir: join(workspace, '.local-stack/runs'),
    print: (text) => lines.push(text),
    ...options
  });
  return { exitCode, log: lines.join('\n') };
}

describe('modelship run', () => {
  it('passes outputs between jobs, skips jobs and their dependents, and masks secrets', async () => {
    const { exitCode, log } = await run('jobs.yml', { secrets: { API_TOKEN: 's3cr3t-value' } });
    expect(exitCode).toBe(EXIT.success);
    expect(log).toContain('got hello-world');
    expect(log).toContain('color is blue');
    // Each step's file commands are its own: a step that writes no outputs has none.
    expect(log).toContain("the quiet step's word is ''");
    expect(log).toContain('○ Job never: skipped');
    expect(log).toContain('○ Job after-never: skipped');
    expect(log).toContain('never=skipped consume=success');
    expect(log).toContain('the token is ***');
    expect(log).toContain('then *** is hidden');
    expect(log).toContain("skipped output 'leaked' of job produce: it may contain a secret");
    expect(log).not.toContain('s3cr3t-value');
    expect(log).not.toContain('masked-at-runtime');
  });

  it('applies success(), failure(), always() and continue-on-error, and fails the run', async () => {
    const { exitCode, log } = await run('statuses.yml');
    expect(exitCode).toBe(EXIT.failure);
    expect(log).toContain('soft outcome=failure conclusion=success');
    expect(log).toContain('○ Run echo "skipped after failure" (skipped)');
    expect(log).toContain('failure handler sees failure');
    expect(log).toContain('cleanup always');
    expect(log).toContain('a-b true 2 push true');
    expect(log).toContain('○ Job dependent: skipped');
    expect(log).toContain('steps=failure');
    // The group is folded to its title and replayed because its step failed.
    expect(log).toMatch(/▸ details\n[\s\S]*folded output of the failed step[\s\S]*folded line/);
  });

  it('runs a JavaScript action (inputs, defaults, outputs, state for its post step, summary) and a composite action', async () => {
    const { exitCode, log } = await run('actions.yml', { event: 'workflow_dispatch' });
    expect(exitCode).toBe(EXIT.success);
    expect(log).toMatch(/greet said 'Hello, local\/[^!]+!'/);
    expect(log).toMatch(/post step: greeted local\//);
    expect(log).toContain(`compile cache: ${join(cacheDirectory(), 'node-compile-cache')}`);
    expect(log).toContain("twice said 'echo echo' and env TWICE=yes");
    const runs = join(workspace, '.local-stack/runs');
    const summaries = readdirSync(runs)
      .map((dir) => join(runs, dir, 'summary.md'))
      .filter((path) => existsSync(path));
    expect(summaries).toHaveLength(1);
    expect(readFileSync(summaries[0] as string, 'utf8')).toContain('Greeted **local/');
  });

  it('runs a reusable workflow with its inputs, defaults, inherited secrets and outputs', async () => {
    const { exitCode, log } = await run('call.yml', { secrets: { API_TOKEN: 'abc' } });
    expect(exitCode).toBe(EXIT.success);
    expect(log).toContain('● Job build / make');
    expect(log).toContain('secret visible: true');
    expect(log).toContain('called workflow said model-plain-x2 (result success)');
  });

  it('runs a matrix job once per combination, with fail-fast, and the job result and outputs after it', async () => {
    const { exitCode, log } = await run('matrix.yml');
    expect(exitCode).toBe(EXIT.failure);
    expect(log).toContain('combination 0/4: python=3.11 os=linux experimental=true');
    expect(log).toContain('combination 1/4: python=3.12 os=linux experimental=true');
    expect(log).toContain('combination 2/4: python=3.12 os=mac experimental=');
    expect(log).toContain('combination 3/4: python=3.13 os=windows experimental=');
    expect(log).toContain('✓ Job test (3.12, mac): success');
    expect(log).not.toContain('python=3.11 os=mac');
    expect(log).toContain('test=success last=3.13-windows');
    expect(log).toContain('✓ Job fail-fast (1): success');
    expect(log).toContain('✗ Job fail-fast (2): failure');
    expect(log).toContain('⊘ Job fail-fast (3): cancelled (fail-fast');
  });

  it('stops at a job deploying to a protected environment until it is approved', async () => {
    const waiting = await run('gate.yml');
    expect(waiting.exitCode).toBe(EXIT.waiting);
    expect(waiting.log).toContain('tested');
    expect(waiting.log).toContain("deploys to environment 'production', which needs approval");
    expect(waiting.log).toContain('--approve production');
    expect(waiting.log).not.toContain('deployed to production');

    const approved = await run('gate.yml', { approvals: ['production'] });
    expect(approved.exitCode).toBe(EXIT.success);
    expect(approved.log).toContain('deployed to production');
  });

  it('protects an environment named with --protect too', async () => {
    writeFileSync(join(workspace, '.github/modelship-environments.yml'), 'environments: {}\n');
    expect((await run('gate.yml')).exitCode).toBe(EXIT.success);
    expect((await run('gate.yml', { protect: ['production'] })).exitCode).toBe(EXIT.waiting);
  });

  it('fails a step using an action it cannot find, naming the flag that maps it', async () => {
    const { exitCode, log } = await run('unmapped.yml');
    expect(exitCode).toBe(EXIT.failure);
    expect(log).toContain("'someone/linter@v3' is not available on this machine");
    expect(log).toContain('--action-dir someone/linter@v3=DIR');
    expect(log).toContain('after the unmapped action');
  });

  it('uses a directory given with --action-dir for another repository', async () => {
    const { exitCode, log } = await run('unmapped.yml', {
      actionDirs: { 'someone/linter@v3': join(workspace, 'actions/greet') }
    });
    expect(log).toContain('Hello, ');
    expect(exitCode).toBe(EXIT.success);
  });

  it('reports an expression that fails with its file, line and column', async () => {
    const { exitCode, log } = await run('bad-expression.yml');
    expect(exitCode).toBe(EXIT.failure);
    expect(log).toMatch(/\.github\/workflows\/bad-expression\.yml:8:\d+: .*not json/i);
  });

  it('refuses an invalid workflow with the parser’s errors and their lines', async () => {
    writeFileSync(
      join(workspace, '.github/workflows/invalid.yml'),
      'on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n'
    );
    await expect(run('invalid.yml')).rejects.toThrow(/invalid\.yml:5:\d+: .*stepz/);
  });

  it('does nothing for an event the workflow does not run on', async () => {
    const { exitCode, log } = await run('jobs.yml', { event: 'workflow_dispatch' });
    expect(exitCode).toBe(EXIT.success);
    expect(log).toContain('does not run for this workflow_dispatch event');
  });

  it('waits for a concurrency group another run holds', async () => {
    const lockDir = join(workspace, '.local-stack/runs/locks');
    const release = await acquireGroup(lockDir, 'stack-main', {
      runId: 'other',
      cancelInProgress: false,
      log: () => undefined,
      pollMs: 10
    });
    let released = false;
    const lines: string[] = [];
    const second = run('locked.yml', { print: (text) => lines.push(text) }).then((result) => {
      expect(released).toBe(true);
      return result;
    });
    while (!lines.some((line) => line.includes('is held by run other')))
      await new Promise((r) => setTimeout(r, 20));
    released = true;
    release();
    expect((await second).exitCode).toBe(EXIT.success);
  });

  it('cancels the run holding a group when cancel-in-progress is set', async () => {
    const lockDir = join(workspace, 'locks');
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => holder.on('exit', (_code, signal) => resolve(signal)));
    const blocker = await acquireGroup(lockDir, 'g', {
      runId: 'mine',
      cancelInProgress: false,
      log: () => undefined
    });
    // Hand the lock to the other process, as if that run had taken it.
    const lockFile = join(lockDir, readdirSync(lockDir)[0] as string);
    writeFileSync(lockFile, JSON.stringify({ pid: holder.pid, runId: 'older' }));
    void blocker;
    const logs: string[] = [];
    const release = await acquireGroup(lockDir, 'g', {
      runId: 'newer',
      cancelInProgress: true,
      log: (text) => logs.push(text),
      pollMs: 10
    });
    expect(await exited).toBe('SIGTERM');
    expect(logs.join('\n')).toContain('cancelling run older');
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ runId: 'newer' });
    release();
    expect(existsSync(lockFile)).toBe(false);
  });

  describe('configure-aws-credentials on a pull request', () => {
    // Records whether the stand-in asked the target for the role; keeps the job's own credentials.
    function recordingCredentials(): CredentialsProvider & { asked: string[] } {
      const asked: string[] = [];
      return {
        asked,
        stepEnvironment: () => ({}),
        assumeRole: (_job, request) => {
          asked.push(request.roleArn);
          return Promise.resolve(undefined);
        }
      };
    }

    it('fails for a fork (head repository ≠ base repository) as the real action does: GitHub gives it no token', async () => {
      const credentials = recordingCredentials();
      const { exitCode, log } = await run('aws.yml', {
        event: 'pull_request',
        payloadFile: join(workspace, 'payloads/pull-request-fork.json'),
        credentials
      });
      expect(exitCode).toBe(EXIT.failure);
      expect(log).toContain(NO_TOKEN_HINT);
      expect(log).toContain(`Error: ${NO_CREDENTIALS_ERROR}`);
      expect(log).toContain('pull request from the fork contributor/starter-model');
      expect(log).toContain('○ Run echo "deployed a preview" (skipped)');
      expect(credentials.asked).toEqual([]);
    });

    it('assumes the role for a pull request from a branch of the repository', async () => {
      const credentials = recordingCredentials();
      const { exitCode, log } = await run('aws.yml', {
        event: 'pull_request',
        payloadFile: join(workspace, 'payloads/pull-request-branch.json'),
        credentials
      });
      expect(exitCode).toBe(EXIT.success);
      expect(log).toContain('✓ Run echo "deployed a preview"');
      expect(credentials.asked).toEqual(['arn:aws:iam::123456789012:role/modelship-preview']);
    });
  });
});
