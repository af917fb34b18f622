import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ensureRepository, registryLogin, remoteTags } from '../../../../src/actions/push-ecr/ecr.js';
import { MediaType } from '../../../../src/actions/push-ecr/manifest.js';
import { recordingLog } from '../../../helpers/recording-log.js';

const ACCOUNT = '123456789012';
const URI = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/acme/model`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const CONFIG = `sha256:${'c'.repeat(64)}`;
// Response shapes as botocore's ecr/2015-09-21 model defines them (Repository, Image, ImageFailure).
const repository = {
  repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/acme/model`,
  registryId: ACCOUNT,
  repositoryName: 'acme/model',
  repositoryUri: URI,
  imageTagMutability: 'IMMUTABLE' as const,
  imageScanningConfiguration: { scanOnPush: true }
};

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'eu-west-1' });
beforeEach(() => ecrMock.reset());

describe('ensureRepository', () => {
  it('uses an existing repository as it is, in the given registry', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [repository] });
    const found = await ensureRepository(
      ecr,
      'acme/model',
      ACCOUNT,
      {
        scanOnPush: false,
        imageTagMutability: 'MUTABLE'
      },
      recordingLog()
    );
    expect(found).toEqual({
      repositoryUri: URI,
      registryId: ACCOUNT,
      mutability: { mode: 'IMMUTABLE', exclusionFilters: [] },
      created: false
    });
    expect(ecrMock).toHaveReceivedCommandWith(DescribeRepositoriesCommand, {
      registryId: ACCOUNT,
      repositoryNames: ['acme/model']
    });
    expect(ecrMock).not.toHaveReceivedCommand(CreateRepositoryCommand);
  });

  it('creates a missing repository with scan-on-push, mutability and the lifecycle policy', async () => {
    ecrMock
      .on(DescribeRepositoriesCommand)
      .rejects(new RepositoryNotFoundException({ message: 'not found', $metadata: {} }));
    ecrMock.on(CreateRepositoryCommand).resolves({ repository });
    ecrMock.on(PutLifecyclePolicyCommand).resolves({});
    const created = await ensureRepository(
      ecr,
      'acme/model',
      undefined,
      {
        scanOnPush: true,
        imageTagMutability: 'IMMUTABLE',
        lifecyclePolicy: '{"rules":[]}'
      },
      recordingLog()
    );
    expect(created.created).toBe(true);
    expect(ecrMock).toHaveReceivedCommandWith(CreateRepositoryCommand, {
      repositoryName: 'acme/model',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true }
    });
    expect(ecrMock).toHaveReceivedCommandWith(PutLifecyclePolicyCommand, {
      repositoryName: 'acme/model',
      lifecyclePolicyText: '{"rules":[]}'
    });
  });

  it('puts the lifecycle policy on an existing repository only when asked to (lifecycle-policy-update)', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [repository] });
    ecrMock.on(PutLifecyclePolicyCommand).resolves({});
    const log = recordingLog();
    await ensureRepository(ecr, 'acme/model', ACCOUNT, undefined, log);
    expect(ecrMock).not.toHaveReceivedCommand(PutLifecyclePolicyCommand);
    const found = await ensureRepository(ecr, 'acme/model', ACCOUNT, undefined, log, '{"rules":[1]}');
    expect(found.created).toBe(false);
    expect(ecrMock).toHaveReceivedCommandWith(PutLifecyclePolicyCommand, {
      registryId: ACCOUNT,
      repositoryName: 'acme/model',
      lifecyclePolicyText: '{"rules":[1]}'
    });
    expect(ecrMock).not.toHaveReceivedCommand(CreateRepositoryCommand);
  });

  it('refuses to go on when the repository is missing and may not be created', async () => {
    ecrMock
      .on(DescribeRepositoriesCommand)
      .rejects(new RepositoryNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(ensureRepository(ecr, 'acme/model', ACCOUNT, undefined, recordingLog())).rejects.toThrow(
      `The ECR repository 'acme/model' does not exist in registry ${ACCOUNT}.`
    );
  });
});

describe('remoteTags', () => {
  it('reads every tag in one BatchGetImage call; ImageNotFound means the tag is free', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [
        {
          registryId: ACCOUNT,
          repositoryName: 'acme/model',
          imageId: { imageDigest: DIGEST, imageTag: 'v1' },
          imageManifest: JSON.stringify({
            schemaVersion: 2,
            mediaType: MediaType.DockerManifest,
            config: { digest: CONFIG }
          }),
          imageManifestMediaType: MediaType.DockerManifest
        }
      ],
      failures: [
        {
          imageId: { imageTag: 'v2' },
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found'
        }
      ]
    });
    const tags = await remoteTags(ecr, 'acme/model', ACCOUNT, ['v1', 'v2']);
    expect([...tags.entries()]).toEqual([
      ['v1', { digest: DIGEST, mediaType: MediaType.DockerManifest, configDigest: CONFIG }]
    ]);
    expect(ecrMock).toHaveReceivedCommandTimes(BatchGetImageCommand, 1);
    expect(ecrMock.commandCalls(BatchGetImageCommand)[0]?.args[0].input.acceptedMediaTypes).toContain(
      MediaType.OciIndex
    );
  });

  it('reports any other per-image failure', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [],
      failures: [{ imageId: { imageTag: 'v1' }, failureCode: 'KmsError', failureReason: 'key disabled' }]
    });
    await expect(remoteTags(ecr, 'acme/model', ACCOUNT, ['v1'])).rejects.toThrow(
      "tag 'v1' in acme/model: KmsError: key disabled"
    );
  });
});

describe('registryLogin', () => {
  it('decodes the token into user and password and masks both', async () => {
    const token = Buffer.from('AWS:s3cret-password').toString('base64');
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: token,
          proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
          expiresAt: new Date()
        }
      ]
    });
    const log = recordingLog();
    const login = await registryLogin(ecr, ACCOUNT, log);
    expect(login).toEqual({
      registry: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
      username: 'AWS',
      password: 's3cret-password'
    });
    expect(log.secrets).toEqual(expect.arrayContaining([token, 's3cret-password']));
    expect(ecrMock).toHaveReceivedCommandWith(GetAuthorizationTokenCommand, { registryIds: [ACCOUNT] });
  });
});
