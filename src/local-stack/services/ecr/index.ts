import {
  combineOperations,
  type OperationInput,
  type RequestContext,
  type ServiceDefinition
} from '../../wire/types.js';
import type { StackContext } from '../../context.js';
import { withRegistryErrors } from './errors.js';
import { imageOperations } from './image-operations.js';
import { imagesOf } from './images.js';
import { LifecycleRunner, lifecycleOperations } from './lifecycle-operations.js';
import { policyOperations } from './policy-operations.js';
import { RepositoryStore } from './repositories.js';
import { repositoryOperations } from './repository-operations.js';
import { scanOperations } from './scan-operations.js';

/**
 * Amazon ECR's control plane (JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921). Images
 * are the real registry's; repositories' settings are ECR's own state. Lifecycle policies are applied
 * after every push; each operation first waits for those evaluations, so it sees their outcome.
 */
export function createEcrService(
  stack: Pick<StackContext, 'state' | 'registry' | 'onReset'>
): ServiceDefinition {
  const store = new RepositoryStore(stack.state);
  const lifecycle = new LifecycleRunner(store, stack.registry);
  stack.registry.onManifestStored((name) => lifecycle.schedule(name));
  // Images live in the registry, not in the state: a reset deletes them before the repositories go.
  stack.onReset(async () => {
    await lifecycle.idle();
    for (const record of store.all()) {
      for (const image of await imagesOf(stack.registry, record)) {
        await stack.registry.client.deleteManifest(record.repositoryName, image.digest);
      }
    }
  });
  const operations = withRegistryErrors(
    combineOperations(
      repositoryOperations(store, stack.registry),
      imageOperations(store, stack.registry, lifecycle),
      lifecycleOperations(store, lifecycle),
      policyOperations(store),
      scanOperations(store, stack.registry)
    )
  );
  return {
    protocol: 'json',
    signingName: 'ecr',
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    jsonVersion: '1.1',
    operations: combineOperations(
      Object.fromEntries(
        Object.entries(operations).map(([name, operation]) => [
          name,
          async (input: OperationInput, context: RequestContext) => {
            await lifecycle.idle();
            return operation(input, context);
          }
        ])
      )
    ),
    // PutImage carries a whole manifest (up to 4 MiB), JSON-escaped inside the request.
    bodyLimits: { PutImage: 10 * 1024 * 1024 }
  };
}
