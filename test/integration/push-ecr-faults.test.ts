import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { runBundledAction, runBundledPost } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

jest.setTimeout(300_000);

const suffix = randomBytes(4).toString('hex');

/** An image with a layer of `megabytes` random bytes, so that pushing it takes a moment. */
async function buildImage(tag: string, megabytes: number): Promise<string> {
  const reference = `modelship-test/push-ecr-faults-${suffix}:${tag}`;
  const context = mkdtempSync(join(tmpdir(), 'push-ecr-faults-build-'));
  try {
    writeFileSync(join(context, 'weights.bin'), randomBytes(megabytes * 1024 * 1024));
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM debian:bookworm-slim\nCOPY weights.bin /opt/weights.bin\n'
    );
    const build = await runProgram('docker', ['build', '-q', '-t', reference, context]);
    if (build.code !== 0) throw new Error(`docker build failed: ${build.stderr}`);
    return reference;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

afterAll(async () => {
  const images = await runProgram('docker', ['image', 'ls', '--format', '{{.ID}} {{.Repository}}']);
  const ids = images.stdout
    .split('\n')
    .filter((line) => line.includes(suffix))
    .map((line) => line.split(' ')[0] as string);
  if (ids.length > 0) await runProgram('docker', ['rmi', '--force', ...new Set(ids)]);
});

const ecrFor = (stack: LocalStackHandle) =>
  new ECRClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 't', secretAccessKey: 't' }
  });

describe('push-ecr faults on the local stack', () => {
  // docker login reports only the 401, not the registry's 'token has expired' body.
  it('fails on expired registry credentials, naming the inputs to fix', async () => {
    const stack = await startLocalStack({ tokenTtlSeconds: 1 });
    const ecr = ecrFor(stack);
    try {
      const repository = `push-ecr/expired-${suffix}`;
      await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
      const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
      const password = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
        .toString('utf8')
        .slice('AWS:'.length);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const image = await buildImage('expired', 1);
      const run = await runBundledAction('push-ecr', {
        inputs: { image, repository, registry: stack.registryHost, username: 'AWS', password },
        env: stack.env
      });
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain(`docker login to ${stack.registryHost} failed`);
      expect(run.log).toContain('401 Unauthorized');
      expect(run.log).toContain("Check the 'username' and 'password' inputs");
      expect(existsSync(run.state['docker-config-dir'] as string)).toBe(false);
    } finally {
      ecr.destroy();
      await stack.stop();
    }
  });

  it('fails with retry advice when the registry goes down mid-push; post cleans up', async () => {
    const stack = await startLocalStack();
    const ecr = ecrFor(stack);
    try {
      const image = await buildImage('midpush', 16);
      let stopping: Promise<void> | undefined;
      const run = await runBundledAction('push-ecr', {
        inputs: { image, repository: `push-ecr/midpush-${suffix}` },
        env: stack.env,
        onLog: (text) => {
          if (!stopping && text.includes('The push refers to repository')) stopping = stack.stopRegistry();
        }
      });
      await stopping;
      expect(stopping).toBeDefined();
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain('The registry did not answer while pushing');
      expect(run.log).toContain('re-run the job once the registry answers again');
      const post = await runBundledPost('push-ecr', run, { env: stack.env });
      expect(post.exitCode).toBe(0);
      expect(existsSync(run.state['docker-config-dir'] as string)).toBe(false);
    } finally {
      ecr.destroy();
      await stack.stop();
    }
  });
});
