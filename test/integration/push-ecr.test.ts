import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand
} from '@aws-sdk/client-ecr';
import { displayedLog, runBundledAction, runBundledPost, type ActionRun } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

jest.setTimeout(300_000);

const suffix = randomBytes(4).toString('hex');
const localName = `modelship-test/push-ecr-${suffix}`;

/** A small image FROM debian:bookworm-slim whose one file makes it unique. */
async function buildImage(tag: string, content: string): Promise<string> {
  const reference = `${localName}:${tag}`;
  const context = mkdtempSync(join(tmpdir(), 'push-ecr-build-'));
  try {
    writeFileSync(join(context, 'model.txt'), content);
    writeFileSync(join(context, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY model.txt /opt/model.txt\n');
    const build = await runProgram('docker', ['build', '-q', '-t', reference, context]);
    if (build.code !== 0) throw new Error(`docker build failed: ${build.stderr}`);
    return reference;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

const maskedValues = (run: ActionRun) =>
  run.log
    .split('\n')
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length).trim());

describe('push-ecr on the local stack', () => {
  let stack: LocalStackHandle;
  let ecr: ECRClient;
  let image: string;
  let first: ActionRun;
  const repository = `push-ecr/model-${suffix}`;
  const push = (inputs: Record<string, string>) => runBundledAction('push-ecr', { inputs, env: stack.env });

  beforeAll(async () => {
    stack = await startLocalStack();
    ecr = new ECRClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' }
    });
    image = await buildImage('v1', `model ${suffix} v1`);
    first = await push({ image, repository, 'keep-images': '5' });
  });

  afterAll(async () => {
    ecr?.destroy();
    await stack?.stop();
    // The action's own `docker tag`s (registry/repository:tag) and tags moved away (<none>) carry the suffix too.
    const images = await runProgram('docker', ['image', 'ls', '--format', '{{.ID}} {{.Repository}}']);
    const ids = images.stdout
      .split('\n')
      .filter((line) => line.includes(suffix))
      .map((line) => line.split(' ')[0] as string);
    if (ids.length > 0) await runProgram('docker', ['rmi', '--force', ...new Set(ids)]);
  });

  it('creates the repository as asked and pushes the image, pinned by digest', async () => {
    expect({ exitCode: first.exitCode, log: first.exitCode === 0 ? '' : first.log }).toEqual({
      exitCode: 0,
      log: ''
    });
    const repositoryUri = `${stack.registryHost}/${repository}`;
    const digest = first.outputs['digest'] as string;
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(first.outputs).toEqual({
      registry: stack.registryHost,
      'repository-uri': repositoryUri,
      'image-uri': `${repositoryUri}@${digest}`,
      digest,
      tags: `${repositoryUri}:v1`,
      pushed: 'true'
    });
    expect(first.summary).toContain(digest);

    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    expect(described.repositories?.[0]).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true }
    });
    const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repository }));
    const rules = JSON.parse(policy.lifecyclePolicyText as string).rules as Array<{
      selection: { tagStatus: string; countNumber: number };
    }>;
    // keep-images bounds the images no other rule protects: the catch-all rule, last in priority.
    expect(rules.find((rule) => rule.selection.tagStatus === 'any')?.selection.countNumber).toBe(5);
  });

  it('leaves the image in ECR and the registry under that digest, as a Docker v2 manifest', async () => {
    const digest = first.outputs['digest'] as string;
    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest: digest }] })
    );
    expect(images.imageDetails?.[0]).toMatchObject({
      imageTags: ['v1'],
      imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'
    });
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const response = await fetch(`http://${stack.registryHost}/v2/${repository}/manifests/${digest}`, {
      method: 'HEAD',
      headers: {
        authorization: `Basic ${authorizationData?.[0]?.authorizationToken}`,
        accept: 'application/vnd.docker.distribution.manifest.v2+json'
      }
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-content-digest')).toBe(digest);
  });

  it('masks the ECR token it logged in with and never displays it', async () => {
    const masked = maskedValues(first);
    const token = masked.find((value) => Buffer.from(value, 'base64').toString('utf8').startsWith('AWS:'));
    expect(token).toBeDefined();
    const password = Buffer.from(token as string, 'base64')
      .toString('utf8')
      .slice('AWS:'.length);
    expect(masked).toContain(password);
    // It is the real, working password: a login with it succeeds.
    const config = mkdtempSync(join(tmpdir(), 'push-ecr-login-'));
    const login = await runProgram(
      'docker',
      ['--config', config, 'login', '--username', 'AWS', '--password-stdin', stack.registryHost],
      { input: password }
    );
    rmSync(config, { recursive: true, force: true });
    expect(login.code).toBe(0);
    expect(displayedLog(first)).not.toContain(token);
    expect(displayedLog(first)).not.toContain(password);
  });

  it('removes its temporary Docker config; the post step finds nothing left and succeeds', async () => {
    const configDir = first.state['docker-config-dir'] as string;
    expect(configDir).toBeTruthy();
    expect(existsSync(configDir)).toBe(false);
    const post = await runBundledPost('push-ecr', first, { env: stack.env });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain('already removed');
  });

  it('post removes a temporary Docker config that main left behind (main stopped mid-push)', async () => {
    const leftover = mkdtempSync(join(tmpdir(), 'push-ecr-docker-'));
    mkdirSync(join(leftover, 'sub'));
    writeFileSync(join(leftover, 'config.json'), '{"auths":{}}');
    const post = await runBundledPost('push-ecr', first, {
      env: stack.env,
      state: { 'docker-config-dir': leftover }
    });
    expect(post.exitCode).toBe(0);
    expect(existsSync(leftover)).toBe(false);
  });

  it('skips a second run of the same image and says so', async () => {
    const second = await push({ image, repository });
    expect(second.exitCode).toBe(0);
    expect(second.outputs['pushed']).toBe('false');
    expect(second.outputs['digest']).toBe(first.outputs['digest']);
    expect(second.log).toContain('already holds this image');
    expect(second.log).not.toContain('docker push');
  });

  it('adds a new tag to the same image and keeps the existing one', async () => {
    const run = await push({ image, repository, tags: 'v1, stable' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['pushed']).toBe('true');
    expect(run.outputs['digest']).toBe(first.outputs['digest']);
    const found = await ecr.send(
      new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageTag: 'stable' }] })
    );
    expect(found.images?.[0]?.imageId?.imageDigest).toBe(first.outputs['digest']);
  });

  it('refuses an immutable tag holding a different image and overwrites nothing', async () => {
    const other = await buildImage('other', `model ${suffix} other`);
    const run = await push({ image: other, repository, tags: 'v1' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(
      `is immutable and 'v1' (holds ${first.outputs['digest']}) already holds a different image`
    );
    expect(run.log).toContain('Nothing was pushed');
    const found = await ecr.send(
      new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageTag: 'v1' }] })
    );
    expect(found.images?.[0]?.imageId?.imageDigest).toBe(first.outputs['digest']);
  });

  it('moves a tag in a MUTABLE repository it creates', async () => {
    const mutable = `push-ecr/mutable-${suffix}`;
    const one = await push({ image, repository: mutable, tags: 'latest', 'image-tag-mutability': 'MUTABLE' });
    const other = await buildImage('moved', `model ${suffix} moved`);
    const two = await push({ image: other, repository: mutable, tags: 'latest' });
    expect([one.exitCode, two.exitCode]).toEqual([0, 0]);
    expect(two.log).toContain(`moves from ${one.outputs['digest']}`);
    expect(two.outputs['digest']).not.toBe(one.outputs['digest']);
  });

  it('fails clearly when the repository is missing and may not be created', async () => {
    const run = await push({ image, repository: `push-ecr/absent-${suffix}`, 'create-repository': 'false' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`The ECR repository 'push-ecr/absent-${suffix}' does not exist`);
    expect(run.log).toContain('create-repository: true');
  });

  it('rejects an invalid repository name before calling ECR', async () => {
    const before = stack.output().length;
    const run = await push({ image, repository: 'Push_ECR/Bad' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain("Input 'repository': 'Push_ECR/Bad' is not a valid repository name");
    expect(stack.output().slice(before)).not.toContain('AmazonEC2ContainerRegistry');
  });

  it('rides out throttling through the SDK retry strategy', async () => {
    await stack.injectFault({
      service: 'ecr',
      operation: 'DescribeRepositories',
      code: 'ThrottlingException',
      count: 2
    });
    const before = stack.output().length;
    const run = await push({ image, repository });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['pushed']).toBe('false');
    expect(
      stack
        .output()
        .slice(before)
        .match(/DescribeRepositories/g)
    ).toHaveLength(3);
  });

  it('pushes to a non-ECR registry with username and password through the same idempotent path', async () => {
    const name = `push-ecr/generic-${suffix}`;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
      .toString('utf8')
      .slice('AWS:'.length);
    const inputs = { image, repository: name, registry: stack.registryHost, username: 'AWS', password };
    const one = await push(inputs);
    const two = await push(inputs);
    expect([one.exitCode, two.exitCode]).toEqual([0, 0]);
    expect([one.outputs['pushed'], two.outputs['pushed']]).toEqual(['true', 'false']);
    expect(two.outputs['image-uri']).toBe(one.outputs['image-uri']);
    expect(displayedLog(one)).not.toContain(password);

    const wrong = await push({ ...inputs, password: 'not-the-password' });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.log).toContain(`docker login to ${stack.registryHost} failed`);
    expect(wrong.log).toContain("Check the 'username' and 'password' inputs");
  });

  // The registry is read before any upload, so a registry that is down shows first as ECR's ServerException.
  it('fails with retry advice when the registry goes down, and post still cleans up', async () => {
    const fresh = await buildImage('down', `model ${suffix} down`);
    await stack.stopRegistry();
    const run = await push({ image: fresh, repository, tags: 'down' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`ECR could not read the tags of ${repository}, even after the SDK's retries`);
    expect(run.log).toContain('re-run');
    const post = await runBundledPost('push-ecr', run, { env: stack.env });
    expect(post.exitCode).toBe(0);
    expect(existsSync(run.state['docker-config-dir'] as string)).toBe(false);
  });
});
