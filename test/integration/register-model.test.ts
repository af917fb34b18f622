import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import {
  DescribeModelPackageCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateModelPackageCommand
} from '@aws-sdk/client-sagemaker';
import { runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

jest.setTimeout(300_000);

const suffix = randomBytes(4).toString('hex');
const group = `register-model-${suffix}`;
const localImage = `modelship-test/register-model-${suffix}`;

const ok = (run: ActionRun) => ({ exitCode: run.exitCode, log: run.exitCode === 0 ? '' : run.log });

/**
 * build-image → push-ecr → register-model through the bundled actions on the local stack, then the
 * version checked through the SageMaker API and the AWS CLI, approved, and resolved.
 */
describe('register-model on the local stack', () => {
  let stack: LocalStackHandle;
  let sagemaker: SageMakerClient;
  let workspace: string;
  let githubEnv: Record<string, string>;
  let imageUri: string;
  let first: ActionRun;

  const register = (inputs: Record<string, string>) =>
    runBundledAction('register-model', { inputs, env: { ...stack.env, ...githubEnv } });

  beforeAll(async () => {
    stack = await startLocalStack();
    sagemaker = new SageMakerClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' }
    });
    workspace = mkdtempSync(join(tmpdir(), 'register-model-repo-'));
    writeFileSync(
      join(workspace, 'Dockerfile'),
      'FROM debian:bookworm-slim\nCOPY metrics.json /opt/ml/model/\n'
    );
    writeFileSync(join(workspace, 'metrics.json'), JSON.stringify({ r2: 0.4521, mae: 42.1, test_rows: 89 }));
    writeFileSync(join(workspace, 'broken.json'), '{"r2": 0.45');
    githubEnv = {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'acme/diabetes-model',
      GITHUB_SHA: `c0ffee${suffix}`,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_EVENT_NAME: 'push'
    };

    const build = await runBundledAction('build-image', {
      inputs: { image: localImage, tags: 'v1' },
      env: githubEnv
    });
    expect(ok(build)).toEqual({ exitCode: 0, log: '' });
    const push = await runBundledAction('push-ecr', {
      inputs: { image: build.outputs['image'] as string, repository: `register-model/${suffix}` },
      env: stack.env
    });
    expect(ok(push)).toEqual({ exitCode: 0, log: '' });
    imageUri = push.outputs['image-uri'] as string;
    first = await register({
      'model-name': group,
      'image-uri': imageUri,
      'metrics-file': 'metrics.json',
      'model-description': 'diabetes regressor',
      tags: 'team=ml',
      'instance-types': 'ml.m5.large',
      'require-digest': 'true'
    });
  });

  afterAll(async () => {
    sagemaker?.destroy();
    await stack?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    const images = await runProgram('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
    const references = images.stdout.split('\n').filter((line) => line.includes(suffix));
    if (references.length > 0) await runProgram('docker', ['image', 'rm', '--force', ...references]);
  });

  it('registers the pushed image as version 1 of a new group, with lineage and metrics', async () => {
    expect(ok(first)).toEqual({ exitCode: 0, log: '' });
    const arn = `arn:aws:sagemaker:us-east-1:000000000000:model-package/${group}/1`;
    expect(first.outputs).toEqual({
      'model-package-arn': arn,
      version: '1',
      'approval-status': 'PendingManualApproval',
      'image-uri': imageUri,
      created: 'true',
      'approval-description': '',
      // Only an approval made by this action tags the image for release.
      'release-tag': ''
    });
    expect(imageUri).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(first.summary).toContain(`Registered ${arn}`);
    expect(first.summary).toContain(`(https://github.com/acme/diabetes-model/commit/c0ffee${suffix})`);

    const described = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(described).toMatchObject({
      ModelPackageStatus: 'Completed',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: imageUri }],
        SupportedContentTypes: ['application/json'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large']
      },
      CustomerMetadataProperties: {
        'git.repository': 'acme/diabetes-model',
        'git.commit': `c0ffee${suffix}`,
        'git.ref': 'refs/heads/main',
        'ci.run-url': 'https://github.com/acme/diabetes-model/actions/runs/4242',
        'metric.r2': '0.4521',
        'metric.mae': '42.1',
        'metric.test_rows': '89'
      }
    });
    const tags = await sagemaker.send(
      new ListTagsCommand({
        ResourceArn: `arn:aws:sagemaker:us-east-1:000000000000:model-package-group/${group}`
      })
    );
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);

    const cli = await runProgram(
      'aws',
      [
        '--endpoint-url',
        stack.endpoint,
        '--output',
        'json',
        'sagemaker',
        'describe-model-package-group',
        '--model-package-group-name',
        group
      ],
      { env: stack.env }
    );
    expect(cli.stderr).toBe('');
    expect(JSON.parse(cli.stdout)).toMatchObject({
      ModelPackageGroupDescription: 'diabetes regressor',
      ModelPackageGroupStatus: 'Completed'
    });
  });

  it('returns the same version when run again for the same digest', async () => {
    const again = await register({
      'model-name': group,
      'image-uri': imageUri,
      'metrics-file': 'metrics.json'
    });
    expect(ok(again)).toEqual({ exitCode: 0, log: '' });
    expect(again.outputs).toMatchObject({ version: '1', created: 'false' });
    expect(again.summary).toContain('was already registered for this image');
    const versions = await sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: group }));
    expect(versions.ModelPackageSummaryList).toHaveLength(1);
  });

  it('resolves the latest Approved version once one is approved through the API', async () => {
    const before = await register({ 'model-name': group, mode: 'resolve' });
    expect(before.exitCode).not.toBe(0);
    expect(before.log).toContain(
      `Model package group ${group} has no version with approval status Approved.`
    );

    await sagemaker.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: first.outputs['model-package-arn'],
        ModelApprovalStatus: 'Approved'
      })
    );
    const resolved = await register({ 'model-name': group, mode: 'resolve' });
    expect(ok(resolved)).toEqual({ exitCode: 0, log: '' });
    expect(resolved.outputs).toEqual({
      'model-package-arn': first.outputs['model-package-arn'],
      version: '1',
      'approval-status': 'Approved',
      'image-uri': imageUri,
      created: 'false',
      'approval-description': '',
      // Approved through the API, not by set-status: the image carries no release tag.
      'release-tag': ''
    });
  });

  it('sets a status with who set it and the run, and never deploys or approves a Rejected version', async () => {
    const arn = first.outputs['model-package-arn'] ?? '';
    const setStatus = (status: string, reason = '') =>
      runBundledAction('register-model', {
        inputs: { 'model-name': group, mode: 'set-status', version: arn, 'approval-status': status, reason },
        env: { ...stack.env, ...githubEnv, GITHUB_ACTOR: 'alice', GITHUB_RUN_ID: '4343' }
      });
    const rejected = await setStatus('Rejected', 'production smoke test failed');
    expect(ok(rejected)).toEqual({ exitCode: 0, log: '' });
    const description =
      'Rejected by alice in https://github.com/acme/diabetes-model/actions/runs/4343: production smoke test failed';
    expect(rejected.outputs).toMatchObject({
      'approval-status': 'Rejected',
      'approval-description': description
    });
    expect(rejected.summary).toContain(`${arn} is Rejected`);
    const described = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(described).toMatchObject({
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: description,
      CustomerMetadataProperties: expect.objectContaining({
        'approval.by': 'alice',
        'approval.run-url': 'https://github.com/acme/diabetes-model/actions/runs/4343',
        'metric.r2': '0.4521'
      })
    });

    const deploy = await register({ 'model-name': group, mode: 'resolve', version: '1' });
    expect(deploy.exitCode).not.toBe(0);
    expect(deploy.log).toContain(
      `${arn} was Rejected (${description}): a rejected version is never deployed.`
    );
    const approve = await setStatus('Approved');
    expect(approve.exitCode).not.toBe(0);
    expect(approve.log).toContain('it cannot become Approved');
    const cli = await runProgram(
      'aws',
      [
        '--endpoint-url',
        stack.endpoint,
        '--output',
        'json',
        'sagemaker',
        'describe-model-package',
        '--model-package-name',
        arn
      ],
      { env: stack.env }
    );
    expect(JSON.parse(cli.stdout)).toMatchObject({ ModelApprovalStatus: 'Rejected' });
  });

  it.each([
    [
      { 'model-name': 'bad_group', 'image-uri': 'IMAGE' },
      "Input 'model-name': 'bad_group' is not a valid model package group name"
    ],
    [
      { 'model-name': `tagged-${suffix}`, 'image-uri': 'TAGGED', 'require-digest': 'true' },
      'is not pinned by a digest'
    ],
    [
      { 'model-name': `nometrics-${suffix}`, 'image-uri': 'IMAGE', 'metrics-file': 'absent.json' },
      'absent.json does not exist'
    ],
    [
      { 'model-name': `broken-${suffix}`, 'image-uri': 'IMAGE', 'metrics-file': 'broken.json' },
      'broken.json is not valid JSON'
    ],
    [
      { 'model-name': `status-${suffix}`, 'image-uri': 'IMAGE', 'approval-status': 'Approve' },
      "Input 'approval-status': 'Approve' is not allowed"
    ]
  ])('refuses %j with a clear error and registers nothing', async (inputs, message) => {
    const resolved = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [
        name,
        value === 'IMAGE'
          ? imageUri
          : value === 'TAGGED'
            ? `${stack.registryHost}/register-model/${suffix}:v1`
            : value
      ])
    );
    const run = await register(resolved);
    expect(run.exitCode).not.toBe(0);
    expect(run.log).toContain('::error::');
    expect(run.log).toContain(message);
    const groups = await sagemaker.send(
      new ListModelPackageGroupsCommand({ NameContains: resolved['model-name'] })
    );
    expect(groups.ModelPackageGroupSummaryList).toEqual([]);
  });

  it('warns about a tag reference when digests are not required', async () => {
    const tagged = `${stack.registryHost}/register-model/${suffix}:v1`;
    const run = await register({ 'model-name': `tagged-ok-${suffix}`, 'image-uri': tagged });
    expect(ok(run)).toEqual({ exitCode: 0, log: '' });
    expect(run.log).toContain(`::warning::Input 'image-uri': '${tagged}' is not pinned by a digest`);
  });

  it('deletes the group it created when the version cannot be created', async () => {
    const name = `half-${suffix}`;
    await stack.injectFault({
      service: 'sagemaker',
      operation: 'CreateModelPackage',
      code: 'ValidationException',
      message: 'injected failure',
      count: 1
    });
    const run = await register({ 'model-name': name, 'image-uri': imageUri });
    expect(run.exitCode).not.toBe(0);
    expect(run.log).toContain('injected failure');
    expect(run.log).toContain(`Deleted model package group ${name} again`);
    const groups = await sagemaker.send(new ListModelPackageGroupsCommand({ NameContains: name }));
    expect(groups.ModelPackageGroupSummaryList).toEqual([]);
  });
});
