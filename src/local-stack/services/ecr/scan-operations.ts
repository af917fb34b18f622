import type {
  DescribeImageScanFindingsCommandInput,
  DescribeImageScanFindingsCommandOutput,
  ImageIdentifier as SdkImageIdentifier
} from '@aws-sdk/client-ecr';
import { AwsServiceError } from '../../wire/errors.js';
import { defineOperations, wireMembers, wireText, type OperationTable } from '../../wire/types.js';
import type { LocalRegistry } from '../../registry/index.js';
import { describeImageId, imageNotInRepository, invalidParameter } from './errors.js';
import { findImage, imagesOf, isFailure, type ImageIdentifier } from './images.js';
import type { RepositoryStore } from './repositories.js';
import { existingRepository } from './validation.js';

type ScanOperations = {
  DescribeImageScanFindings: [DescribeImageScanFindingsCommandInput, DescribeImageScanFindingsCommandOutput];
};

/**
 * DescribeImageScanFindings. The local stack never scans images (scanOnPush is stored, not acted on),
 * so for an image that exists the answer is ECR's for an image no scan ran on: ScanNotFoundException.
 */
export function scanOperations(store: RepositoryStore, registry: LocalRegistry): OperationTable {
  return defineOperations<ScanOperations>({
    DescribeImageScanFindings: async (input, context) => {
      const record = existingRepository(input, context, store);
      if (typeof input.imageId !== 'object' || input.imageId === null) {
        throw invalidParameter('imageId', 'is required: { imageDigest } or { imageTag }');
      }
      const { imageDigest, imageTag } = wireMembers<SdkImageIdentifier>(input.imageId);
      const id: ImageIdentifier = {
        ...(imageDigest !== undefined && { imageDigest: wireText(imageDigest) }),
        ...(imageTag !== undefined && { imageTag: wireText(imageTag) })
      };
      const found = findImage(await imagesOf(registry, record), id);
      if (isFailure(found)) {
        if (found.failureCode === 'ImageNotFound' || found.failureCode === 'ImageTagDoesNotMatchDigest') {
          throw imageNotInRepository(id, record.repositoryName, context.accountId);
        }
        throw invalidParameter('imageId', found.failureReason);
      }
      throw new AwsServiceError(
        'ScanNotFoundException',
        `Image scan does not exist for the image with '${describeImageId(id)}' in the repository with name ` +
          `'${record.repositoryName}' in the registry with id '${context.accountId}'`
      );
    }
  });
}
