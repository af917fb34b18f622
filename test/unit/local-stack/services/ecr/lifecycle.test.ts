import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  ListImagesCommand,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand
} from '@aws-sdk/client-ecr';
import { startInProcessStack, type InProcessStack } from '../../fixtures/in-process-stack.js';
import { basicFromToken, pushImage, type PushedImage } from '../../fixtures/registry-push.js';
import { jest } from '@jest/globals';
import { runProgram } from '../../../../helpers/local-stack.js';

jest.setTimeout(60_000);

const policy = (...rules: object[]) =>
  JSON.stringify({
    rules: rules.map((selection, index) => ({
      rulePriority: index + 1,
      description: `rule ${index + 1}`,
      selection,
      action: { type: 'expire' }
    }))
  });

const KEEP_TWO_DEV = policy(
  { tagStatus: 'tagged', tagPrefixList: ['dev'], countType: 'imageCountMoreThan', countNumber: 2 },
  { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }
);

describe('ECR lifecycle policies applied to the real registry', () => {
  let dataDir: string;
  let stack: InProcessStack;
  let authorization: string;

  const start = async () => {
    stack = await startInProcessStack({ dataDir });
    const token = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
    authorization = basicFromToken(token.authorizationData?.[0]?.authorizationToken as string);
  };
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-ecr-lifecycle-'));
    await start();
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tagsOf = async (repositoryName: string) =>
    ((await stack.ecr.send(new ListImagesCommand({ repositoryName }))).imageIds ?? [])
      .map((id) => id.imageTag ?? `untagged:${id.imageDigest}`)
      .sort();
  const manifestStatus = async (repositoryName: string, digest: string) =>
    (
      await fetch(`http://${stack.registryHost}/v2/${repositoryName}/manifests/${digest}`, {
        headers: { authorization, accept: 'application/vnd.docker.distribution.manifest.v2+json' }
      })
    ).status;

  /** Moves the recorded push times of images back, as if they had been pushed `days` ago. */
  async function backdate(repositoryName: string, digests: string[], days: number) {
    await stack.close();
    const file = join(dataDir, 'state', 'ecr.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    for (const digest of digests) {
      state.repositories[repositoryName].pushedAt[digest] = new Date(
        Date.now() - days * 86_400_000
      ).toISOString();
    }
    writeFileSync(file, JSON.stringify(state));
    await start();
  }

  it('expires on push exactly the images the rules select, deleting them from the registry', async () => {
    const name = 'lifecycle/on-push';
    await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    await stack.ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: KEEP_TWO_DEV })
    );
    const pushed: PushedImage[] = [];
    for (const tag of ['dev-1', 'prod-1', 'dev-2', 'dev-3']) {
      pushed.push(await pushImage(stack.registryHost, authorization, name, tag, 600 + pushed.length));
    }
    expect(await tagsOf(name)).toEqual(['dev-2', 'dev-3', 'prod-1']);
    expect(await manifestStatus(name, pushed[0]!.digest)).toBe(404);
    expect(await manifestStatus(name, pushed[2]!.digest)).toBe(200);
    const { lastEvaluatedAt } = await stack.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(lastEvaluatedAt).toBeInstanceOf(Date);
    const deleted = await stack.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: name }));
    expect(deleted.lastEvaluatedAt).toEqual(lastEvaluatedAt);
  });

  it('previews by age (sinceImagePushed) without deleting, then applies when the policy is put', async () => {
    const name = 'lifecycle/by-age';
    await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const old = await pushImage(stack.registryHost, authorization, name, 'scratch', 500);
    const recent = await pushImage(stack.registryHost, authorization, name, 'scratch-2', 501);
    // Untag both by pushing other images over their tags: they stay in the registry as untagged images.
    await pushImage(stack.registryHost, authorization, name, 'scratch', 502);
    await pushImage(stack.registryHost, authorization, name, 'scratch-2', 503);
    await backdate(name, [old.digest], 10);

    await expect(
      stack.ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: name }))
    ).rejects.toMatchObject({ name: 'LifecyclePolicyPreviewNotFoundException' });
    const started = await stack.ecr.send(
      new StartLifecyclePolicyPreviewCommand({ repositoryName: name, lifecyclePolicyText: KEEP_TWO_DEV })
    );
    expect(started.status).toBe('IN_PROGRESS');
    const preview = await stack.ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: name }));
    expect(preview).toMatchObject({
      status: 'COMPLETE',
      lifecyclePolicyText: KEEP_TWO_DEV,
      previewResults: [{ imageDigest: old.digest, action: { type: 'EXPIRE' }, appliedRulePriority: 2 }],
      summary: { expiringImageTotalCount: 1 }
    });
    expect(preview.previewResults?.[0]?.imageTags).toBeUndefined();
    expect(await manifestStatus(name, old.digest)).toBe(200);

    await stack.ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: KEEP_TWO_DEV })
    );
    expect(await manifestStatus(name, old.digest)).toBe(404);
    expect(await manifestStatus(name, recent.digest)).toBe(200);
    expect(await tagsOf(name)).toEqual(['scratch', 'scratch-2', `untagged:${recent.digest}`]);
  });

  it('serves the preview and the applied policy to boto3 and the AWS CLI', async () => {
    const name = 'lifecycle/clients';
    await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    for (const tag of ['dev-a', 'dev-b', 'dev-c'])
      await pushImage(stack.registryHost, authorization, name, tag);
    const env = {
      AWS_ENDPOINT_URL: stack.endpoint,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-secret'
    };
    const script = `
import json, sys, boto3
ecr = boto3.client("ecr")
ecr.start_lifecycle_policy_preview(repositoryName=sys.argv[1], lifecyclePolicyText=sys.argv[2])
ecr.get_waiter("lifecycle_policy_preview_complete").wait(repositoryName=sys.argv[1])
preview = ecr.get_lifecycle_policy_preview(repositoryName=sys.argv[1])
print(json.dumps([r["imageTags"] for r in preview["previewResults"]]))
`;
    const boto3 = await runProgram('python3', ['-c', script, name, KEEP_TWO_DEV], { env });
    expect(boto3.stderr).toBe('');
    expect(JSON.parse(boto3.stdout)).toEqual([['dev-a']]);

    const cli = await runProgram(
      'aws',
      [
        'ecr',
        'put-lifecycle-policy',
        '--repository-name',
        name,
        '--lifecycle-policy-text',
        KEEP_TWO_DEV,
        '--output',
        'json'
      ],
      { env }
    );
    expect(cli.stderr).toBe('');
    expect(await tagsOf(name)).toEqual(['dev-b', 'dev-c']);
  });
});
