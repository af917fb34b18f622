import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

/** Clients we did not write, run as users run them, against the bundled stack's environment. */
describe('wire compatibility: AWS CLI and boto3', () => {
  const REPOSITORY = 'compat-cli/app';
  let stack: LocalStackHandle;
  const dockerConfig = mkdtempSync(join(tmpdir(), 'ls-compat-docker-'));
  let reference = '';

  beforeAll(async () => {
    stack = await startLocalStack();
    reference = `${stack.registryHost}/${REPOSITORY}:v1`;
  });
  afterAll(async () => {
    await stack.stop();
    await runProgram('docker', ['rmi', reference]);
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  const aws = async (...args: string[]) => {
    const run = await runProgram('aws', [...args, '--output', 'json'], { env: stack.env });
    if (run.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  it('logs docker in with `aws ecr get-login-password`, pushes, and describes the image with the CLI and boto3', async () => {
    expect(await aws('sts', 'get-caller-identity')).toMatchObject({ Account: '000000000000' });
    const created = await aws('ecr', 'create-repository', '--repository-name', REPOSITORY);
    expect(created['repository']).toMatchObject({ repositoryUri: `${stack.registryHost}/${REPOSITORY}` });

    const login = await runProgram(
      'sh',
      [
        '-c',
        'aws ecr get-login-password | docker --config "$DOCKER_CONFIG" login --username AWS --password-stdin "$REGISTRY"'
      ],
      { env: { ...stack.env, DOCKER_CONFIG: dockerConfig, REGISTRY: stack.registryHost } }
    );
    expect(login.stdout).toContain('Login Succeeded');
    expect((await runProgram('docker', ['tag', 'debian:bookworm-slim', reference])).code).toBe(0);
    const push = await runProgram('docker', ['--config', dockerConfig, 'push', reference]);
    expect(push.code).toBe(0);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1];

    const described = await aws('ecr', 'describe-images', '--repository-name', REPOSITORY);
    expect(described['imageDetails']).toEqual([
      expect.objectContaining({ imageDigest: digest, imageTags: ['v1'], registryId: '000000000000' })
    ]);

    const boto3 = await runProgram(
      'python3',
      [join(PROJECT_ROOT, 'test/compat/ecr_boto3.py'), REPOSITORY, 'v1'],
      {
        env: stack.env
      }
    );
    expect(boto3.stderr).toBe('');
    const report = JSON.parse(boto3.stdout);
    expect(report).toEqual({
      account: '000000000000',
      created: {
        repositoryName: 'compat-boto3/settings',
        repositoryUri: `${stack.registryHost}/compat-boto3/settings`,
        imageTagMutability: 'IMMUTABLE'
      },
      duplicate: 'RepositoryAlreadyExistsException',
      invalidName: 'InvalidParameterException',
      described: ['compat-boto3/settings', REPOSITORY],
      missing: 'RepositoryNotFoundException',
      proxyEndpoint: `http://${stack.registryHost}`,
      tokenUser: 'AWS',
      tokenExpiresInFuture: true,
      policyRoundTrip: true,
      policyAfterDelete: 'LifecyclePolicyNotFoundException',
      badPolicy: 'InvalidParameterException',
      mutability: 'MUTABLE',
      scanning: { scanOnPush: false },
      tags: [{ Key: 'stage', Value: 'test' }],
      images: [
        {
          imageDigest: digest,
          imageTags: ['v1'],
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'
        }
      ],
      imageSizePositive: true,
      listed: [{ imageDigest: digest, imageTag: 'v1' }],
      batchGet: {
        digest,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        failures: ['ImageNotFound']
      },
      putImage: { imageDigest: digest, imageTag: 'v1-boto3' },
      putImageAgain: 'ImageAlreadyExistsException',
      batchDelete: [{ imageDigest: digest, imageTag: 'v1-boto3' }],
      imageNotFound: 'ImageNotFoundException',
      notEmpty: 'RepositoryNotEmptyException',
      forceDeleted: REPOSITORY
    });
  }, 180_000);
});
