import { jest } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';

// End to end: the starter model repository's own workflows, run by `modelship run` (the CLI bundle) on the
// local stack, as a user's repository would run them: a pull request's life, then a fork (push to main, the
// release, is runner-release.test.ts).
jest.setTimeout(1_200_000);

const CLI = join(PROJECT_ROOT, 'dist/cli/index.js');
const REPOSITORY = 'acme/diabetes-model';
let repo: string;

function cli(args: string[], env: Record<string, string> = {}): { status: number; log: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024
  });
  return { status: result.status ?? 1, log: `${result.stdout}${result.stderr}` };
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

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'modelship-starter-'));
  cpSync(join(PROJECT_ROOT, 'action-templates/model-repo'), repo, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
  git('add', '.');
  git('-c', 'user.email=test@example.com', '-c', 'user.name=test', 'commit', '-qm', 'starter');
  // Free ports: other stacks may run on this machine; `modelship run` finds this one in ./.local-stack.
  const up = cli(['local', 'up', '--port', '0', '--registry-port', '0']);
  if (up.status !== 0) throw new Error(up.log);
});

afterAll(() => {
  cli(['local', 'down']);
  rmSync(repo, { recursive: true, force: true });
});

describe('the starter repository on the local stack', () => {
  it('a pull request gets a preview endpoint on opened and synchronize, torn down on closed', () => {
    const opened = cli(['run', 'preview.yml', '--event', 'pull_request', '--payload', pullRequest('opened')]);
    expect(opened.log).toMatch(/✓ Job deploy \/ deploy: success/);
    expect(opened.log).toContain('○ Job teardown: skipped');
    expect(opened.status).toBe(0);
    expect(opened.log).toContain('diabetes-model-pr-7');

    const synchronized = cli([
      'run',
      'preview.yml',
      '--event',
      'pull_request',
      '--payload',
      pullRequest('synchronize')
    ]);
    expect(synchronized.status).toBe(0);
    expect(synchronized.log).toContain('Stack diabetes-model-pr-7: no changes');

    const closed = cli(['run', 'preview.yml', '--event', 'pull_request', '--payload', pullRequest('closed')]);
    expect(closed.log).toContain('○ Job deploy: skipped');
    expect(closed.log).toMatch(/✓ Job teardown: success/);
    expect(closed.status).toBe(0);
    const stacks = execFileSync(
      'aws',
      ['cloudformation', 'list-stacks', '--stack-status-filter', 'CREATE_COMPLETE', 'UPDATE_COMPLETE'],
      {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, ...localEnvironment() }
      }
    );
    expect(stacks).not.toContain('diabetes-model-pr-7');
  });

  it('a pull request from a fork gets no credentials and deploys nothing', () => {
    const fork = cli([
      'run',
      'preview.yml',
      '--event',
      'pull_request',
      '--payload',
      pullRequest('opened', 'mallory/diabetes-model'),
      '--secret',
      'DEPLOY_KEY=fork-must-not-see'
    ]);
    expect(fork.status).toBe(0);
    expect(fork.log).toContain('Pull request from a fork: secrets and OIDC tokens are withheld');
    expect(fork.log).toContain('○ Job deploy: skipped');
    expect(fork.log).toContain('○ Job teardown: skipped');
  });
});

function localEnvironment(): Record<string, string> {
  const exports = cli(['local', 'env']).log;
  return Object.fromEntries(
    [...exports.matchAll(/^export (\w+)='([^']*)'$/gm)].map((match) => [
      match[1] as string,
      match[2] as string
    ])
  );
}
