import { AwsServiceError } from '../../wire/errors.js';
import {
  combineOperations,
  type OperationInput,
  type OperationTable,
  type RequestContext
} from '../../wire/types.js';
import { RegistryError } from '../../registry/index.js';

/** ECR's exceptions (botocore data/ecr/2015-09-21), with the messages ECR itself uses. */
export const repositoryNotFound = (name: string, registryId: string) =>
  new AwsServiceError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`
  );

export const repositoryAlreadyExists = (name: string, registryId: string) =>
  new AwsServiceError(
    'RepositoryAlreadyExistsException',
    `The repository with name '${name}' already exists in the registry with id '${registryId}'`
  );

export const repositoryNotEmpty = (name: string, registryId: string) =>
  new AwsServiceError(
    'RepositoryNotEmptyException',
    `The repository with name '${name}' in registry with id '${registryId}' cannot be deleted because it still contains images`
  );

export const invalidParameter = (parameter: string, constraint: string) =>
  new AwsServiceError(
    'InvalidParameterException',
    `Invalid parameter at '${parameter}' failed to satisfy constraint: '${constraint}'`
  );

export const invalidTagParameter = (message: string) =>
  new AwsServiceError('InvalidTagParameterException', message);

export const tooManyTags = (count: number) =>
  new AwsServiceError(
    'TooManyTagsException',
    `A repository can have at most 50 tags; the request would leave ${count}.`
  );

export const lifecyclePolicyNotFound = (name: string, registryId: string) =>
  new AwsServiceError(
    'LifecyclePolicyNotFoundException',
    `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`
  );

export const imageNotFound = (message: string) => new AwsServiceError('ImageNotFoundException', message);

/** How ECR names an image identifier in its messages: {imageDigest:'…', imageTag:'…'}. */
export const describeImageId = (id: { imageDigest?: string; imageTag?: string }) =>
  `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;

export const imageNotInRepository = (
  id: { imageDigest?: string; imageTag?: string },
  name: string,
  registryId: string
) =>
  imageNotFound(
    `The image with imageId ${describeImageId(id)} does not exist within the repository with name ` +
      `'${name}' in the registry with id '${registryId}'`
  );

export const imageTagAlreadyExists = (tag: string, name: string) =>
  new AwsServiceError(
    'ImageTagAlreadyExistsException',
    `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`
  );

/** The registry could not be reached or failed: ECR's generic server error. */
export const serverError = (message: string) => new AwsServiceError('ServerException', message, 500);

/** Registry failures reach clients as ECR's ServerException, with the registry's own words. */
export function withRegistryErrors(operations: OperationTable): OperationTable {
  return combineOperations(
    Object.fromEntries(
      Object.entries(operations).map(([name, operation]) => [
        name,
        async (input: OperationInput, context: RequestContext) => {
          try {
            return await operation(input, context);
          } catch (error) {
            if (error instanceof RegistryError) throw serverError(error.message);
            throw error;
          }
        }
      ])
    )
  );
}
