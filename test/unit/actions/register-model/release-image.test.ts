import {
  BatchGetImageCommand,
  ECRClient,
  ImageAlreadyExistsException,
  ImageTagAlreadyExistsException,
  PutImageCommand
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ecrImageOf, type EcrImage } from '../../../../src/actions/register-model/image-uri.js';
import { tagImage } from '../../../../src/actions/register-model/release-image.js';
import { recordingLog } from '../../../helpers/recording-log.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const MANIFEST = '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}';
const MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
const TAG = 'release-churn-4';

describe('ecrImageOf', () => {
  it.each<[string, Record<string, string>, EcrImage | undefined]>([
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/churn@${DIGEST}`,
      {},
      { registryId: '123456789012', region: 'eu-west-1', repositoryName: 'acme/churn', digest: DIGEST }
    ],
    [
      `123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/churn:3f2c1ab@${DIGEST}`,
      {},
      { registryId: '123456789012', region: 'us-gov-west-1', repositoryName: 'churn', digest: DIGEST }
    ],
    [
      `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/churn@${DIGEST}`,
      {},
      { registryId: '123456789012', region: 'cn-north-1', repositoryName: 'churn', digest: DIGEST }
    ],
    // The local stack: its registry on the endpoint's host, another port; the caller's registry and region.
    [
      `127.0.0.1:5123/churn@${DIGEST}`,
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      { repositoryName: 'churn', digest: DIGEST }
    ],
    [
      `localhost:5123/churn@${DIGEST}`,
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_ECR: 'http://localhost:4566' },
      { repositoryName: 'churn', digest: DIGEST }
    ],
    [`127.0.0.1:5123/churn@${DIGEST}`, {}, undefined],
    [`ghcr.io/acme/churn@${DIGEST}`, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, undefined],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:v1', {}, undefined]
  ])('%s with %j', (uri, env, expected) => {
    expect(ecrImageOf(uri, env)).toEqual(expected);
  });
});

describe('tagImage', () => {
  const ecrMock = mockClient(ECRClient);
  const ecr = new ECRClient({ region: 'eu-west-1' });
  const image: EcrImage = { registryId: '123456789012', repositoryName: 'churn', digest: DIGEST };
  const held = (digest: string, imageTag?: string) => ({
    imageId: { imageDigest: digest, ...(imageTag !== undefined && { imageTag }) },
    imageManifest: MANIFEST,
    imageManifestMediaType: MEDIA_TYPE
  });
  const tagNotFound = {
    imageId: { imageTag: TAG },
    failureCode: 'ImageNotFound' as const,
    failureReason: 'x'
  };
  beforeEach(() => ecrMock.reset());

  it('puts the same manifest and media type under the new tag, pinned to the digest', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [held(DIGEST)], failures: [tagNotFound] });
    ecrMock.on(PutImageCommand).resolves({});
    const log = recordingLog();
    await expect(tagImage(ecr, image, TAG, log)).resolves.toBe('tagged');
    expect(ecrMock).toHaveReceivedCommandWith(BatchGetImageCommand, {
      registryId: '123456789012',
      repositoryName: 'churn',
      imageIds: [{ imageDigest: DIGEST }, { imageTag: TAG }]
    });
    expect(ecrMock).toHaveReceivedCommandWith(PutImageCommand, {
      registryId: '123456789012',
      repositoryName: 'churn',
      imageManifest: MANIFEST,
      imageManifestMediaType: MEDIA_TYPE,
      imageDigest: DIGEST,
      imageTag: TAG
    });
    expect(log.infos).toEqual([`Tagged ${DIGEST} in churn (registry 123456789012) as ${TAG}.`]);
  });

  it('leaves a tag already on the image as it is (re-runs, IMMUTABLE repositories)', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [held(DIGEST), held(DIGEST, TAG)] });
    await expect(tagImage(ecr, image, TAG, recordingLog())).resolves.toBe('already');
    expect(ecrMock).not.toHaveReceivedCommand(PutImageCommand);
  });

  it('never moves a release tag that names another image, and says how to clear a stale one', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [held(DIGEST), held(OTHER, TAG)] });
    await expect(tagImage(ecr, image, TAG, recordingLog())).rejects.toThrow(
      `The tag ${TAG} in the ECR repository churn (registry 123456789012) already names ${OTHER}, not ${DIGEST}; a release tag is never moved. ` +
        'Check which version that image belongs to. If the tag is stale (e.g. the model package group was recreated), remove it (aws ecr batch-delete-image --repository-name churn --image-ids imageTag=release-churn-4) and run again.'
    );
    expect(ecrMock).not.toHaveReceivedCommand(PutImageCommand);
  });

  it('explains an image that is gone from the repository', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({
      failures: [
        {
          imageId: { imageDigest: DIGEST },
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found'
        },
        tagNotFound
      ]
    });
    await expect(tagImage(ecr, image, TAG, recordingLog())).rejects.toThrow(
      `The image ${DIGEST} is not in the ECR repository churn (registry 123456789012) (ImageNotFound: Requested image not found), so it cannot be tagged ${TAG}.`
    );
  });

  it('takes a concurrent tagging of the same image as done, and of another image as the conflict it is', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [held(DIGEST)], failures: [tagNotFound] });
    ecrMock
      .on(PutImageCommand)
      .rejectsOnce(new ImageAlreadyExistsException({ message: 'exists', $metadata: {} }));
    await expect(tagImage(ecr, image, TAG, recordingLog())).resolves.toBe('already');
    ecrMock.reset();
    ecrMock.on(BatchGetImageCommand).resolves({ images: [held(DIGEST)], failures: [tagNotFound] });
    ecrMock
      .on(PutImageCommand)
      .rejectsOnce(new ImageTagAlreadyExistsException({ message: 'immutable', $metadata: {} }));
    await expect(tagImage(ecr, image, TAG, recordingLog())).rejects.toThrow(
      `The tag ${TAG} in the ECR repository churn (registry 123456789012) already names another image, not ${DIGEST}`
    );
  });
});
