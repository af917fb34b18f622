import { jest } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';

// End to end: the starter repository's release, run by `modelship run` (the CLI bundle) on one local stack:
// push to main → staging → the production gate → approved → production; a commit that fails in production
// is rolled back and Rejected; a Rejected version is refused.
jest.setTimeout(1_800_000);

const CLI = join(PROJECT_ROOT, 'dist/cli/index.js');
const REPOSITORY = 'acme/diabetes-model';
const GROUP = 'diabetes-model';
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

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], {
    cwd: repo,
    stdio: 'ignore'
  });
}

/** The AWS CLI against the repository's local stack, in the account of the starter workflows' roles. */
function aws(...args: string[]): Record<string, unknown> {
  const exports = cli(['local', 'env']).log;
  const env = Object.fromEntries(
    [...exports.matchAll(/^export (\w+)='([^']*)'$/gm)].map((match) => [
      match[1] as string,
      match[2] as string
    ])
  );
  return JSON.parse(
    execFileSync('aws', ['--output', 'json', ...args], {
      cwd: repo,
      encoding: 'utf8',
      // A 12-digit access key id selects that account on the local stack.
      env: { ...process.env, ...env, AWS_ACCESS_KEY_ID: '123456789012' }
    })
  ) as Record<string, unknown>;
}

interface Version {
  ModelPackageArn: string;
  ModelApprovalStatus: string;
  ApprovalDescription?: string;
  CustomerMetadataProperties?: Record<string, string>;
  InferenceSpecification: { Containers: { Image: string }[] };
}

function version(number: number): Version {
  const listed = aws('sagemaker', 'list-model-packages', '--model-package-group-name', GROUP) as {
    ModelPackageSummaryList: { ModelPackageArn: string; ModelPackageVersion: number }[];
  };
  const arn = listed.ModelPackageSummaryList.find(
    (entry) => entry.ModelPackageVersion === number
  )?.ModelPackageArn;
  if (!arn) throw new Error(`no version ${number} in ${JSON.stringify(listed)}`);
  return aws('sagemaker', 'describe-model-package', '--model-package-name', arn) as unknown as Version;
}

/** The image the production stack was last deployed with. */
function productionImage(): string | undefined {
  const described = aws('cloudformation', 'describe-stacks', '--stack-name', 'diabetes-model-prod') as {
    Stacks: { Parameters: { ParameterKey: string; ParameterValue: string }[] }[];
  };
  return described.Stacks[0]?.Parameters.find((parameter) => parameter.ParameterKey === 'ImageUri')
    ?.ParameterValue;
}

/** Replaces one line of a starter workflow in the copy, failing loudly when the starter changed. */
function bakeQuickly(file: string, line: string, replacement: string[]): void {
  const path = join(repo, '.github/workflows', file);
  const starter = readFileSync(path, 'utf8');
  if (!starter.includes(line))
    throw new Error(`${file} no longer has ${JSON.stringify(line)}: update this test`);
  writeFileSync(path, starter.replace(line, `${replacement.join('\n')}\n`));
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'modelship-release-'));
  cpSync(join(PROJECT_ROOT, 'action-templates/model-repo'), repo, { recursive: true });
  // The shipped template bakes production updates for 300 s (staging does not bake), and the local stack
  // bakes for real: this copy bakes production 5 s so the story takes minutes. Nothing else changes.
  bakeQuickly('deploy.yml', '      production-parameters: LogLevel=WARNING\n', [
    '      production-parameters: |',
    '        LogLevel=WARNING',
    '        BakeTimeSeconds=5'
  ]);
  bakeQuickly('release.yml', '      parameters: LogLevel=WARNING\n', [
    '      parameters: |',
    '        LogLevel=WARNING',
    '        BakeTimeSeconds=5'
  ]);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
  git('add', '.');
  git('commit', '-qm', 'starter');
  const up = cli(['local', 'up', '--port', '0', '--registry-port', '0']);
  if (up.status !== 0) throw new Error(up.log);
});

afterAll(() => {
  cli(['local', 'down']);
  rmSync(repo, { recursive: true, force: true });
});

describe('the starter release on the local stack', () => {
  it('stops at the production gate after staging; approved, the version is Approved and production serves it', () => {
    const gated = cli(['run', 'deploy.yml']);
    expect(gated.log).toContain('PASS smoke/predict-json.json');
    expect(gated.log).toMatch(/✓ Job release \/ build: success/);
    expect(gated.log).toMatch(/✓ Job release \/ staging: success/);
    expect(gated.log).toContain('Approve it by running again with: --approve production');
    expect(gated.status).toBe(3);
    expect(version(1).ModelApprovalStatus).toBe('PendingManualApproval');
    expect(() => productionImage()).toThrow();

    const approved = cli(['run', 'deploy.yml', '--approve', 'production'], { USER: 'alice' });
    expect(approved.log).toMatch(/✓ Job release \/ production \/ production: success/);
    expect(approved.status).toBe(0);
    expect(approved.log).toContain('Stack diabetes-model-staging: no changes');
    const released = version(1);
    expect(released).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: expect.stringMatching(
        /^Approved by alice in https:\/\/github\.com\/acme\/diabetes-model\/actions\/runs\/\S+: approved for production$/
      ),
      CustomerMetadataProperties: expect.objectContaining({ 'approval.by': 'alice' })
    });
    expect(productionImage()).toBe(released.InferenceSpecification.Containers[0]?.Image);
  });

  it('a commit that fails the production smoke test is rolled back to the previous approved version and Rejected', () => {
    // A bug only production's configuration (LogLevel=WARNING) shows: staging and the image test pass.
    appendFileSync(
      join(repo, 'serve.py'),
      '\n\n@app.after_request\ndef _off_in_production(response):\n' +
        '    if request.path == "/invocations" and os.environ.get("LOG_LEVEL") == "WARNING" and response.status_code == 200:\n' +
        '        response.set_data(json.dumps({"predictions": [0.0]}))\n' +
        '    return response\n'
    );
    git('commit', '-qam', 'a model that is wrong in production');

    const run = cli(['run', 'deploy.yml', '--approve', 'production']);
    expect(run.log).toMatch(/✓ Job release \/ staging: success/);
    expect(run.log).toContain(
      'Version 2 failed the production smoke test: production was rolled back to version 1, the previous approved version, and version 2 is marked Rejected.'
    );
    expect(run.status).toBe(1);
    expect(version(2)).toMatchObject({
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: expect.stringContaining(': the production smoke test failed')
    });
    expect(productionImage()).toBe(version(1).InferenceSpecification.Containers[0]?.Image);
  });

  it('a Rejected version is refused; rolling back to an approved one by hand deploys it', () => {
    const promote = cli([
      'run',
      'release.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'version=2',
      '--input',
      'action=promote',
      '--approve',
      'production'
    ]);
    expect(promote.status).toBe(1);
    expect(promote.log).toMatch(
      /model-package\/diabetes-model\/2 was Rejected \(Rejected by .*\); it cannot become Approved/
    );

    const rollback = cli([
      'run',
      'release.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'version=1',
      '--input',
      'action=rollback',
      '--approve',
      'production'
    ]);
    expect(rollback.log).toContain('Stack diabetes-model-prod: no changes');
    expect(rollback.status).toBe(0);
  });
});
