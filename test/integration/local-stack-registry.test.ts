import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

const REPOSITORY = 'ls-registry/app';

function ecrFor(stack: LocalStackHandle): ECRClient {
  return new ECRClient({
    region: stack.env['AWS_REGION'] as string,
    endpoint: stack.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' }
  });
}

/** `docker login` with GetAuthorizationToken's credentials, password on stdin, into its own config dir. */
async function dockerLogin(stack: LocalStackHandle, dockerConfig: string) {
  const { authorizationData } = await ecrFor(stack).send(new GetAuthorizationTokenCommand({}));
  const [user, password] = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
    .toString()
    .split(':') as [string, string];
  const login = await runProgram(
    'docker',
    ['--config', dockerConfig, 'login', '--username', user, '--password-stdin', stack.registryHost],
    { input: password }
  );
  return { login, password };
}

/** A small image FROM debian:bookworm-slim whose one file makes it unique; resolves with its image ID. */
async function buildImage(reference: string, content: string): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), 'ls-registry-build-'));
  try {
    writeFileSync(join(context, 'model.txt'), content);
    writeFileSync(join(context, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY model.txt /opt/model.txt\n');
    const build = await runProgram('docker', ['build', '-q', '-t', reference, context]);
    if (build.code !== 0) throw new Error(`docker build failed: ${build.stderr}`);
    return build.stdout.trim();
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** docker builds and pushes take seconds, not jest's default five. */
const DOCKER_TIMEOUT_MS = 180_000;

const pushedDigest = (output: string) => /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];

describe('the local registry with docker (bundled CLI stack)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ls-registry-data-'));
  const dockerConfig = mkdtempSync(join(tmpdir(), 'ls-registry-docker-'));
  /** Tags and image IDs to remove afterwards, so no test image outlives the run. */
  const references: string[] = [];
  let stack: LocalStackHandle;

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir });
  });
  afterAll(async () => {
    await stack.stop();
    for (const reference of references.reverse()) await runProgram('docker', ['rmi', '--force', reference]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it(
    'takes a push after docker login with ECR credentials, refuses to move an immutable tag, survives a restart',
    async () => {
      await ecrFor(stack).send(
        new CreateRepositoryCommand({ repositoryName: REPOSITORY, imageTagMutability: 'IMMUTABLE' })
      );
      const { login, password } = await dockerLogin(stack, dockerConfig);
      expect(login.code).toBe(0);
      expect(login.stdout).toContain('Login Succeeded');

      const v1 = `${stack.registryHost}/${REPOSITORY}:v1`;
      references.push(v1, await buildImage(v1, randomUUID()));
      const push = await runProgram('docker', ['--config', dockerConfig, 'push', v1]);
      expect(push.code).toBe(0);
      const digest = pushedDigest(push.stdout);
      expect(digest).toBeDefined();

      const { imageDetails } = await ecrFor(stack).send(
        new DescribeImagesCommand({ repositoryName: REPOSITORY })
      );
      expect(imageDetails).toEqual([
        expect.objectContaining({
          imageDigest: digest,
          imageTags: ['v1'],
          imageSizeInBytes: expect.any(Number),
          imagePushedAt: expect.any(Date),
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'
        })
      ]);

      references.push(await buildImage(v1, randomUUID()));
      const overwrite = await runProgram('docker', ['--config', dockerConfig, 'push', v1]);
      expect(overwrite.code).not.toBe(0);
      expect(overwrite.stderr + overwrite.stdout).toContain(
        `tag invalid: The image tag 'v1' already exists in the '${REPOSITORY}' repository and cannot be overwritten because the repository is immutable.`
      );
      const after = await ecrFor(stack).send(new DescribeImagesCommand({ repositoryName: REPOSITORY }));
      expect(after.imageDetails?.map((detail) => detail.imageDigest)).toEqual([digest]);

      await stack.stop();
      stack = await startLocalStack({ dataDir });
      // The token from before the restart still logs in, and the image is still there by digest.
      const relogin = await runProgram(
        'docker',
        ['--config', dockerConfig, 'login', '--username', 'AWS', '--password-stdin', stack.registryHost],
        { input: password }
      );
      expect(relogin.code).toBe(0);
      const byDigest = `${stack.registryHost}/${REPOSITORY}@${digest}`;
      references.push(byDigest);
      const pull = await runProgram('docker', ['--config', dockerConfig, 'pull', byDigest]);
      expect(pull.code).toBe(0);
      // The stack's own credentials (what hosting uses to run model images) need no login at all.
      const internalConfig = join(dataDir, 'registry', 'docker-config');
      const internalPull = await runProgram('docker', ['--config', internalConfig, 'pull', byDigest]);
      expect(internalPull.code).toBe(0);
      const restarted = await ecrFor(stack).send(new DescribeImagesCommand({ repositoryName: REPOSITORY }));
      expect(restarted.imageDetails?.map((detail) => [detail.imageDigest, detail.imageTags])).toEqual([
        [digest, ['v1']]
      ]);
    },
    DOCKER_TIMEOUT_MS
  );

  it(
    'refuses a push to a repository ECR does not have, as ECR does',
    async () => {
      await dockerLogin(stack, dockerConfig);
      const reference = `${stack.registryHost}/ls-registry/missing:v1`;
      references.push(reference);
      const tag = await runProgram('docker', ['tag', 'debian:bookworm-slim', reference]);
      expect(tag.code).toBe(0);
      const push = await runProgram('docker', ['--config', dockerConfig, 'push', reference]);
      expect(push.code).not.toBe(0);
      expect(push.stderr + push.stdout).toContain(
        "name unknown: The repository with name 'ls-registry/missing' does not exist in the registry with id '000000000000'"
      );
    },
    DOCKER_TIMEOUT_MS
  );
});

describe('expired registry credentials', () => {
  let stack: LocalStackHandle;
  const dockerConfig = mkdtempSync(join(tmpdir(), 'ls-registry-expiry-'));
  beforeAll(async () => {
    stack = await startLocalStack({ tokenTtlSeconds: 1 });
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it(
    'are refused by docker login once they expire',
    async () => {
      const { authorizationData } = await ecrFor(stack).send(new GetAuthorizationTokenCommand({}));
      const password = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
        .toString()
        .slice('AWS:'.length);
      const expiresAt = authorizationData?.[0]?.expiresAt as Date;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, expiresAt.getTime() - Date.now()) + 100)
      );
      const login = await runProgram(
        'docker',
        ['--config', dockerConfig, 'login', '--username', 'AWS', '--password-stdin', stack.registryHost],
        { input: password }
      );
      expect(login.code).not.toBe(0);
      expect(login.stderr).toContain('401 Unauthorized');
    },
    DOCKER_TIMEOUT_MS
  );
});
