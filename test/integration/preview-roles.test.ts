import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalRole } from '../../src/runner/local-roles.js';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

// The set-up template's roles on the local stack with --enforce-iam: each kind of run gets only its own
// role, and a preview's credentials cannot touch production. Exercised through the AWS CLI.
jest.setTimeout(180_000);

const ACCOUNT = '123456789012';
const REPOSITORY = 'acme/diabetes-model';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
let stack: LocalStackHandle;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack({ enforceIam: true });
  dir = mkdtempSync(join(tmpdir(), 'preview-roles-'));
});
afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The AWS CLI against the local stack, as the account's root or as a role session. */
function aws(credentials: Record<string, string>, ...args: string[]) {
  return runProgram('aws', ['--output', 'json', ...args], {
    env: { ...stack.env, ...credentials, AWS_ACCESS_KEY_ID: credentials['AWS_ACCESS_KEY_ID'] ?? ACCOUNT }
  });
}
const ROOT = { AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'local' };

async function githubToken(subject: string): Promise<string> {
  const query = new URLSearchParams({ repository: REPOSITORY, subject, audience: 'sts.amazonaws.com' });
  const response = await fetch(`${stack.endpoint}/_modelship/oidc/token?${query.toString()}`);
  return ((await response.json()) as { value: string }).value;
}

async function assume(roleName: string, subject: string) {
  return aws(
    ROOT,
    'sts',
    'assume-role-with-web-identity',
    '--role-arn',
    role(roleName),
    '--role-session-name',
    'run-1',
    '--web-identity-token',
    await githubToken(subject)
  );
}

async function sessionOf(roleName: string, subject: string): Promise<Record<string, string>> {
  const answer = await assume(roleName, subject);
  expect(answer.stderr).toBe('');
  const { Credentials } = JSON.parse(answer.stdout) as {
    Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  };
  return {
    AWS_ACCESS_KEY_ID: Credentials.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: Credentials.SecretAccessKey,
    AWS_SESSION_TOKEN: Credentials.SessionToken
  };
}

describe('the set-up template on the local stack (--enforce-iam)', () => {
  it('is applied once, when a workflow role is missing, and says what it made', async () => {
    const done = await ensureLocalRole(
      stack.endpoint,
      'us-east-1',
      role('modelship-preview'),
      REPOSITORY,
      PROJECT_ROOT
    );
    expect(done).toEqual([
      expect.stringContaining(
        'the set-up template action-templates/cloudformation/github-oidc-roles.yaml as stack modelship-github-oidc-roles (the OIDC provider token.actions.githubusercontent.com, roles modelship-preview, modelship-staging, modelship-production, modelship-sagemaker-execution, trusted for acme/diabetes-model)'
      )
    ]);
    expect(
      await ensureLocalRole(
        stack.endpoint,
        'us-east-1',
        role('modelship-production'),
        REPOSITORY,
        PROJECT_ROOT
      )
    ).toEqual([]);
    await expect(
      ensureLocalRole(stack.endpoint, 'us-east-1', role('modelship-deploy'), REPOSITORY, PROJECT_ROOT)
    ).rejects.toThrow(
      /role .*modelship-deploy does not exist on the local stack, and the set-up template .* makes only modelship-preview/
    );
  });

  it('trusts each role only for its own token subject', async () => {
    const refused = async (roleName: string, subject: string) => {
      const answer = await assume(roleName, subject);
      expect(answer.stderr).toContain('AccessDenied');
    };
    await refused('modelship-production', `repo:${REPOSITORY}:pull_request`);
    await refused('modelship-production', `repo:${REPOSITORY}:ref:refs/heads/main`);
    await refused('modelship-preview', `repo:${REPOSITORY}:environment:production`);
    await refused('modelship-preview', 'repo:mallory/diabetes-model:pull_request');
    await refused('modelship-staging', `repo:${REPOSITORY}:pull_request`);
    await sessionOf('modelship-production', `repo:${REPOSITORY}:environment:production`);
    await sessionOf('modelship-staging', `repo:${REPOSITORY}:ref:refs/heads/main`);
  });

  it("lets preview credentials change preview stacks and never production's", async () => {
    const template = join(dir, 'template.json');
    const body = (logicalId: string) =>
      JSON.stringify({ Resources: { [logicalId]: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } });
    writeFileSync(template, body('A'));
    for (const name of ['diabetes-model-prod', 'diabetes-model-pr-7']) {
      const created = await aws(
        ROOT,
        'cloudformation',
        'create-stack',
        '--stack-name',
        name,
        '--template-body',
        `file://${template}`
      );
      expect(created.stderr).toBe('');
      const waited = await aws(ROOT, 'cloudformation', 'wait', 'stack-create-complete', '--stack-name', name);
      expect(waited.stderr).toBe('');
    }
    writeFileSync(template, body('B'));
    const preview = await sessionOf('modelship-preview', `repo:${REPOSITORY}:pull_request`);
    for (const command of ['update-stack', 'delete-stack']) {
      const denied = await aws(
        preview,
        'cloudformation',
        command,
        '--stack-name',
        'diabetes-model-prod',
        ...(command === 'update-stack' ? ['--template-body', `file://${template}`] : [])
      );
      expect(denied.stderr).toContain(
        `assumed-role/modelship-preview/run-1 is not authorized to perform: cloudformation:${command === 'update-stack' ? 'UpdateStack' : 'DeleteStack'} on resource: arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/diabetes-model-prod/*`
      );
    }
    const changeSet = await aws(
      preview,
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'diabetes-model-pr-7',
      '--change-set-name',
      'preview',
      '--template-body',
      `file://${template}`
    );
    expect(changeSet.stderr).toBe('');
    const production = await sessionOf('modelship-production', `repo:${REPOSITORY}:environment:production`);
    const prodChangeSet = await aws(
      production,
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'diabetes-model-prod',
      '--change-set-name',
      'release',
      '--template-body',
      `file://${template}`
    );
    expect(prodChangeSet.stderr).toBe('');
    const registry = await aws(
      preview,
      'sagemaker',
      'list-model-packages',
      '--model-package-group-name',
      'diabetes-model'
    );
    expect(registry.stderr).toContain('not authorized to perform: sagemaker:ListModelPackages');
  });
});
