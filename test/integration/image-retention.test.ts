import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalRole } from '../../src/runner/local-roles.js';
import { PROJECT_ROOT, runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';
import { pushImage, type PushedImage } from '../unit/local-stack/fixtures/registry-push.js';

// Retention by tag prefix on the local stack (--enforce-iam): push-ecr creates the repository with its
// default lifecycle policy, approving a version (register-model set-status, as the production role the
// set-up template makes) tags its image release-<group>-<version>, and the policy, evaluated after time
// has passed, expires old pull-request images and commit images beyond the count, never the release.
// Bundles: node scripts/bundle.mjs cli push-ecr register-model.
jest.setTimeout(300_000);

const ACCOUNT = '123456789012';
const REPOSITORY = 'acme/diabetes-model';
const MODEL = 'diabetes-model';
const ROOT = { AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'local' };
const suffix = randomBytes(4).toString('hex');
const localImage = `modelship-test/retention-${suffix}:a1b2c3d`;
const githubEnv = {
  GITHUB_REPOSITORY: REPOSITORY,
  GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '77',
  GITHUB_ACTOR: 'alice',
  GITHUB_EVENT_NAME: 'push'
};

let dataDir: string;
let stack: LocalStackHandle;
let production: Record<string, string>;

const ok = (run: ActionRun) => ({ exitCode: run.exitCode, log: run.exitCode === 0 ? '' : run.log });
const start = async () => {
  stack = await startLocalStack({ dataDir, enforceIam: true });
};

/** The AWS CLI against the local stack, with the given credentials. */
async function aws<T>(credentials: Record<string, string>, ...args: string[]): Promise<T> {
  const run = await runProgram('aws', ['--output', 'json', ...args], {
    env: { ...stack.env, ...credentials }
  });
  if (run.code !== 0) throw new Error(`aws ${args.join(' ')}: ${run.stderr}`);
  return (run.stdout.trim() === '' ? {} : JSON.parse(run.stdout)) as T;
}

/** Every image of the repository as `tags-or-untagged → digest`, through the AWS CLI. */
async function imagesByTags(): Promise<Record<string, string>> {
  const described = await aws<{ imageDetails: { imageTags?: string[]; imageDigest: string }[] }>(
    ROOT,
    'ecr',
    'describe-images',
    '--repository-name',
    MODEL
  );
  return Object.fromEntries(
    described.imageDetails.map((detail) => [
      (detail.imageTags ?? ['<untagged>']).sort().join(','),
      detail.imageDigest
    ])
  );
}

interface Policy {
  lifecyclePolicyText: string;
}

/** The registry's Basic authorization from GetAuthorizationToken, through the AWS CLI. */
async function registryAuthorization(): Promise<string> {
  const token = await aws<{ authorizationData: { authorizationToken: string }[] }>(
    ROOT,
    'ecr',
    'get-authorization-token'
  );
  return `Basic ${token.authorizationData[0]?.authorizationToken}`;
}

/** Session credentials of a set-up template role, for a GitHub OIDC token with the given subject. */
async function roleSession(role: string, subject: string): Promise<Record<string, string>> {
  const query = new URLSearchParams({ repository: REPOSITORY, subject, audience: 'sts.amazonaws.com' });
  const token = (
    (await (await fetch(`${stack.endpoint}/_modelship/oidc/token?${query.toString()}`)).json()) as {
      value: string;
    }
  ).value;
  const answer = await aws<{
    Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  }>(
    ROOT,
    'sts',
    'assume-role-with-web-identity',
    '--role-arn',
    `arn:aws:iam::${ACCOUNT}:role/${role}`,
    '--role-session-name',
    'run-77',
    '--web-identity-token',
    token
  );
  return {
    AWS_ACCESS_KEY_ID: answer.Credentials.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: answer.Credentials.SecretAccessKey,
    AWS_SESSION_TOKEN: answer.Credentials.SessionToken
  };
}

const registerModel = (credentials: Record<string, string>, inputs: Record<string, string>) =>
  runBundledAction('register-model', {
    inputs: { 'model-name': MODEL, ...inputs },
    env: { ...stack.env, ...credentials, ...githubEnv }
  });

/** Moves the recorded push times back, as if each image had been pushed that many days ago. */
async function backdate(ages: [digest: string, days: number][]): Promise<void> {
  await stack.stop();
  // The account the starter's roles live in keeps its state apart from the stack's configured account.
  const file = join(dataDir, 'accounts', ACCOUNT, 'state', 'ecr.json');
  const state = JSON.parse(readFileSync(file, 'utf8'));
  for (const [digest, days] of ages) {
    state.repositories[MODEL].pushedAt[digest] = new Date(Date.now() - days * 86_400_000).toISOString();
  }
  writeFileSync(file, JSON.stringify(state));
  await start();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'image-retention-'));
  await start();
  await ensureLocalRole(
    stack.endpoint,
    'us-east-1',
    `arn:aws:iam::${ACCOUNT}:role/modelship-production`,
    REPOSITORY,
    PROJECT_ROOT
  );
  production = await roleSession('modelship-production', `repo:${REPOSITORY}:environment:production`);
  const context = mkdtempSync(join(tmpdir(), 'image-retention-build-'));
  writeFileSync(join(context, 'model.txt'), `model ${suffix}`);
  writeFileSync(join(context, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY model.txt /opt/model.txt\n');
  const build = await runProgram('docker', ['build', '-q', '-t', localImage, context]);
  rmSync(context, { recursive: true, force: true });
  if (build.code !== 0) throw new Error(`docker build failed: ${build.stderr}`);
});

afterAll(async () => {
  await stack?.stop();
  await runProgram('docker', ['rmi', '--force', localImage]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('image retention by tag prefix on the local stack', () => {
  let released: string;
  const pushed: Record<string, PushedImage> = {};

  it('push-ecr creates the repository with the retention policy by tag prefix', async () => {
    const push = await runBundledAction('push-ecr', {
      inputs: { image: localImage, repository: MODEL, 'keep-images': '3', 'preview-retention-days': '14' },
      env: { ...stack.env, ...ROOT }
    });
    expect(ok(push)).toEqual({ exitCode: 0, log: '' });
    released = push.outputs['digest'] as string;
    const policy = await aws<Policy>(ROOT, 'ecr', 'get-lifecycle-policy', '--repository-name', MODEL);
    const rules = JSON.parse(policy.lifecyclePolicyText).rules as { description: string }[];
    expect(rules.map((rule) => rule.description)).toEqual([
      'Release images (release-*) never expire',
      'Pull-request images (pr-*) expire 14 days after push',
      'Untagged images expire a day after push',
      'Commit images: keep the newest 3 images'
    ]);

    const registered = await registerModel(ROOT, { 'image-uri': push.outputs['image-uri'] as string });
    expect(ok(registered)).toEqual({ exitCode: 0, log: '' });
    expect(registered.outputs).toMatchObject({ version: '1', 'release-tag': '' });
  });

  it('approving the version as the production role tags its image release-<group>-<version>, once', async () => {
    const approve = { mode: 'set-status', version: '1', 'approval-status': 'Approved', reason: 'ship it' };
    const approved = await registerModel(production, approve);
    expect(ok(approved)).toEqual({ exitCode: 0, log: '' });
    expect(approved.outputs).toMatchObject({
      'approval-status': 'Approved',
      'release-tag': `release-${MODEL}-1`
    });
    expect(approved.log).toContain(`Tagged ${released} in ${MODEL} as release-${MODEL}-1.`);
    // The same image (digest) under both tags, in an IMMUTABLE repository.
    expect(await imagesByTags()).toEqual({ [`a1b2c3d,release-${MODEL}-1`]: released });

    const again = await registerModel(production, approve);
    expect(ok(again)).toEqual({ exitCode: 0, log: '' });
    expect(again.log).toContain(`${MODEL}:release-${MODEL}-1 already names ${released}.`);
  });

  it('expires pr-* images after the retention days and commit images beyond the count, never a release', async () => {
    const authorization = await registryAuthorization();
    // Pushed in this order, so nothing is past the count or its days yet when each arrives.
    for (const tag of ['pr-7-0a0a0a0', 'pr-8-0b0b0b0', 'c0c0c01', 'c0c0c02', 'c0c0c03']) {
      pushed[tag] = await pushImage(stack.registryHost, authorization, MODEL, tag);
    }
    expect(Object.keys(await imagesByTags()).sort()).toEqual([
      `a1b2c3d,release-${MODEL}-1`,
      'c0c0c01',
      'c0c0c02',
      'c0c0c03',
      'pr-7-0a0a0a0',
      'pr-8-0b0b0b0'
    ]);
    // A fourth commit: the oldest commit image is now beyond the newest 3 (every image counts).
    pushed['c0c0c04'] = await pushImage(stack.registryHost, authorization, MODEL, 'c0c0c04');
    expect(Object.keys(await imagesByTags())).not.toContain('c0c0c01');

    const digest = (tag: string) => (pushed[tag] as PushedImage).digest;
    await backdate([
      [released, 400],
      [digest('pr-7-0a0a0a0'), 15],
      [digest('pr-8-0b0b0b0'), 13],
      [digest('c0c0c02'), 3],
      [digest('c0c0c03'), 2],
      [digest('c0c0c04'), 1]
    ]);

    // boto3 previews the repository's own policy: only the pull-request image older than 14 days expires.
    const preview = await runProgram(
      'python3',
      [
        '-c',
        `
import json, sys, boto3
ecr = boto3.client("ecr")
ecr.start_lifecycle_policy_preview(repositoryName=sys.argv[1])
ecr.get_waiter("lifecycle_policy_preview_complete").wait(repositoryName=sys.argv[1])
preview = ecr.get_lifecycle_policy_preview(repositoryName=sys.argv[1])
print(json.dumps([[r["imageTags"], r["appliedRulePriority"]] for r in preview["previewResults"]]))
`,
        MODEL
      ],
      { env: { ...stack.env, ...ROOT } }
    );
    expect(preview.stderr).toBe('');
    expect(JSON.parse(preview.stdout)).toEqual([[['pr-7-0a0a0a0'], 2]]);

    // Applied (the AWS CLI puts the same policy back, which evaluates it): the release, 400 days old and
    // beyond the count, stays; so do the newer preview and the newest three images.
    const policy = await aws<Policy>(ROOT, 'ecr', 'get-lifecycle-policy', '--repository-name', MODEL);
    await aws(
      ROOT,
      'ecr',
      'put-lifecycle-policy',
      '--repository-name',
      MODEL,
      '--lifecycle-policy-text',
      policy.lifecyclePolicyText
    );
    expect(await imagesByTags()).toEqual({
      [`a1b2c3d,release-${MODEL}-1`]: released,
      'pr-8-0b0b0b0': digest('pr-8-0b0b0b0'),
      c0c0c02: digest('c0c0c02'),
      c0c0c03: digest('c0c0c03'),
      c0c0c04: digest('c0c0c04')
    });
  });

  it('refuses to move a release tag that already names another image, and then does not approve', async () => {
    const registered = await registerModel(ROOT, {
      'image-uri': `${stack.registryHost}/${MODEL}@${pushed['c0c0c04']?.digest}`
    });
    expect(ok(registered)).toEqual({ exitCode: 0, log: '' });
    expect(registered.outputs['version']).toBe('2');
    await pushImage(stack.registryHost, await registryAuthorization(), MODEL, `release-${MODEL}-2`);
    const approved = await registerModel(production, {
      mode: 'set-status',
      version: '2',
      'approval-status': 'Approved'
    });
    expect(approved.exitCode).not.toBe(0);
    expect(approved.log).toContain(
      `The tag release-${MODEL}-2 in the ECR repository ${MODEL} already names sha256:`
    );
    expect(approved.log).toContain('a release tag is never moved');
    // The image could not be protected, so the version was not approved.
    const listed = await aws<{
      ModelPackageSummaryList: { ModelPackageVersion: number; ModelApprovalStatus: string }[];
    }>(ROOT, 'sagemaker', 'list-model-packages', '--model-package-group-name', MODEL);
    expect(
      listed.ModelPackageSummaryList.map((entry) => [entry.ModelPackageVersion, entry.ModelApprovalStatus])
    ).toEqual(
      expect.arrayContaining([
        [1, 'Approved'],
        [2, 'PendingManualApproval']
      ])
    );
  });
});
