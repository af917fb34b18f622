import type { OperationInput } from '../wire/types.js';
import { partitionOf } from './partition.js';

/** Where a request acts: its region and account. */
export interface RequestScope {
  region: string;
  accountId: string;
}

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
  const text = (member: string): string | undefined => {
    const value: unknown = input[member];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const arnOr = (value: string, build: (name: string) => string) =>
    value.startsWith('arn:') ? value : build(value);

  switch (service) {
    case 'cloudformation': {
      const stack = text('StackName');
      return stack ? arnOr(stack, (name) => regional(`stack/${name}/*`)) : '*';
    }
    case 'ecr': {
      const repository = text('repositoryName');
      if (repository) return regional(`repository/${repository}`);
      return text('resourceArn') ?? '*';
    }
    case 'sagemaker': {
      const named: [string, string][] = [
        ['EndpointName', 'endpoint'],
        ['EndpointConfigName', 'endpoint-config'],
        ['ModelName', 'model'],
        ['ModelPackageGroupName', 'model-package-group']
      ];
      for (const [member, resourceType] of named) {
        const value = text(member);
        if (value) return arnOr(value, (name) => regional(`${resourceType}/${name.toLowerCase()}`));
      }
      return text('ModelPackageName') ?? text('ResourceArn') ?? '*';
    }
    case 'iam': {
      const role = text('RoleName');
      if (role) return `arn:${partition}:iam::${scope.accountId}:role/${role}`;
      return text('PolicyArn') ?? text('OpenIDConnectProviderArn') ?? '*';
    }
    case 'sts':
      return text('RoleArn') ?? '*';
    case 's3': {
      // S3 ARNs name no region or account: arn:aws:s3:::bucket, arn:aws:s3:::bucket/key.
      const bucket = text('Bucket');
      const key = text('Key');
      if (!bucket) return '*';
      return `arn:${partition}:s3:::${bucket}${key !== undefined ? `/${key}` : ''}`;
    }
    default:
      return '*';
  }
}
