import type { DescribeStacksCommandInput } from '@aws-sdk/client-cloudformation';
import type { CreateRepositoryCommandInput, TagResourceCommandInput } from '@aws-sdk/client-ecr';
import type {
  GetOpenIDConnectProviderCommandInput,
  GetPolicyCommandInput,
  GetRoleCommandInput
} from '@aws-sdk/client-iam';
import type {
  AddTagsCommandInput,
  DescribeEndpointCommandInput,
  DescribeEndpointConfigCommandInput,
  DescribeModelCommandInput,
  DescribeModelPackageCommandInput,
  DescribeModelPackageGroupCommandInput,
  UpdateModelPackageCommandInput
} from '@aws-sdk/client-sagemaker';
import type { GetObjectCommandInput } from '@aws-sdk/client-s3';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { OperationInput, WireInput } from '../wire/types.js';
import { partitionOf } from './partition.js';

/** Where a request acts: its region and account. */
export interface RequestScope {
  region: string;
  accountId: string;
}

/** The SageMaker members that name a resource, with the resource type of its ARN. */
type SageMakerNamed = DescribeEndpointCommandInput &
  DescribeEndpointConfigCommandInput &
  DescribeModelCommandInput &
  DescribeModelPackageGroupCommandInput;
const SAGEMAKER_NAMED: [keyof SageMakerNamed, string][] = [
  ['EndpointName', 'endpoint'],
  ['EndpointConfigName', 'endpoint-config'],
  ['ModelName', 'model'],
  ['ModelPackageGroupName', 'model-package-group']
];

/**
 * The resource ARN IAM authorizes a request against, read from the request as AWS does for the main
 * cases (a stack, a repository, a SageMaker endpoint, model or group, a role, a policy, a bucket or
 * object); `*` for the rest
 * (List*, Describe* without a name, ...). A member that already holds an ARN is used as it is.
 */
export function requestedResource(service: string, input: OperationInput, scope: RequestScope): string {
  const partition = partitionOf(scope.region);
  const regional = (resourceType: string) =>
    `arn:${partition}:${service}:${scope.region}:${scope.accountId}:${resourceType}`;
  // Typed by the operation that has the member, so a misspelt member name does not compile (NoInfer: the
  // operation must be named, not inferred from the member).
  const text = <In>(member: NoInfer<keyof In> & string): string | undefined => {
    const value = (input as WireInput<In>)[member];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const arnOr = (value: string, build: (name: string) => string) =>
    value.startsWith('arn:') ? value : build(value);

  switch (service) {
    case 'cloudformation': {
      const stack = text<DescribeStacksCommandInput>('StackName');
      return stack ? arnOr(stack, (name) => regional(`stack/${name}/*`)) : '*';
    }
    case 'ecr': {
      const repository = text<CreateRepositoryCommandInput>('repositoryName');
      if (repository) return regional(`repository/${repository}`);
      return text<TagResourceCommandInput>('resourceArn') ?? '*';
    }
    case 'sagemaker': {
      for (const [member, resourceType] of SAGEMAKER_NAMED) {
        const value = text<SageMakerNamed>(member);
        if (value) return arnOr(value, (name) => regional(`${resourceType}/${name.toLowerCase()}`));
      }
      return (
        text<DescribeModelPackageCommandInput>('ModelPackageName') ??
        text<UpdateModelPackageCommandInput>('ModelPackageArn') ??
        text<AddTagsCommandInput>('ResourceArn') ??
        '*'
      );
    }
    case 'iam': {
      const role = text<GetRoleCommandInput>('RoleName');
      if (role) return `arn:${partition}:iam::${scope.accountId}:role/${role}`;
      return (
        text<GetPolicyCommandInput>('PolicyArn') ??
        text<GetOpenIDConnectProviderCommandInput>('OpenIDConnectProviderArn') ??
        '*'
      );
    }
    case 'sts':
      return text<AssumeRoleCommandInput>('RoleArn') ?? '*';
    case 's3': {
      // S3 ARNs name no region or account: arn:aws:s3:::bucket, arn:aws:s3:::bucket/key.
      const bucket = text<GetObjectCommandInput>('Bucket');
      const key = text<GetObjectCommandInput>('Key');
      if (!bucket) return '*';
      return `arn:${partition}:s3:::${bucket}${key !== undefined ? `/${key}` : ''}`;
    }
    default:
      return '*';
  }
}
