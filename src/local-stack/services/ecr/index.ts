import type { ServiceDefinition } from '../../wire/types.js';
import type { StackContext } from '../../context.js';
import { withRegistryErrors } from './errors.js';
import { imageOperations } from './image-operations.js';
import { RepositoryStore } from './repositories.js';
import { repositoryOperations } from './repository-operations.js';

/**
 * Amazon ECR's control plane (JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921). Images
 * are the real registry's; repositories' settings are ECR's own state.
 */
export function createEcrService(stack: Pick<StackContext, 'state' | 'registry'>): ServiceDefinition {
  const store = new RepositoryStore(stack.state);
  return {
    protocol: 'json',
    signingName: 'ecr',
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    jsonVersion: '1.1',
    operations: withRegistryErrors({
      ...repositoryOperations(store, stack.registry),
      ...imageOperations(store, stack.registry)
    }),
    // PutImage carries a whole manifest (up to 4 MiB), JSON-escaped inside the request.
    bodyLimits: { PutImage: 10 * 1024 * 1024 }
  };
}
