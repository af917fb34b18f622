import type { StateStore } from '../../state.js';
import type { Invoker } from '../../wire/invoke.js';
import { combineOperations, type ServiceDefinition } from '../../wire/types.js';
import { Deployments } from './deploy.js';
import { StackExports } from './exports.js';
import { changeSetOperations } from './operations/change-sets.js';
import { describeOperations } from './operations/describe.js';
import { eventOperations } from './operations/events.js';
import { exportOperations } from './operations/exports.js';
import type { CloudFormationRuntime } from './operations/runtime.js';
import { stackOperations } from './operations/stacks.js';
import { recoverInterruptedOperations } from './recover.js';
import { createLocalRecordProviders } from './resources/local-records.js';
import { createIamProviders } from './resources/iam.js';
import { createCloudWatchProviders } from './resources/cloudwatch.js';
import { createSageMakerProviders } from './resources/sagemaker.js';
import type { ResourceProvider } from './resources/types.js';
import { StackStore } from './store.js';

export interface CloudFormationServiceOptions {
  state: StateStore;
  /** Calls the other local services, as CloudFormation's resource handlers call AWS. */
  invoke: Invoker;
  /** How often handlers read a resource's status while waiting for it (endpoints); default 500 ms. */
  pollIntervalMs?: number;
}

export interface CloudFormationService {
  service: ServiceDefinition;
  /** Resolves once every stack operation and change set computation started so far has finished. */
  settled: () => Promise<void>;
}

/**
 * The resource types the local stack deploys, by CloudFormation type name. The table has no prototype, so a
 * template's `Type: constructor` finds no provider (and fails as an unsupported type) instead of Object's.
 */
export function createResourceProviders(
  invoke: Invoker,
  pollIntervalMs: number
): Record<string, ResourceProvider> {
  return Object.assign(
    Object.create(null) as Record<string, ResourceProvider>,
    createLocalRecordProviders(),
    createSageMakerProviders({ invoke, pollIntervalMs }),
    { ...createIamProviders(invoke), ...createCloudWatchProviders(invoke) }
  );
}

/** CloudFormation (AWS Query protocol, API version 2010-05-15). */
export function createCloudFormationService(options: CloudFormationServiceOptions): CloudFormationService {
  const store = new StackStore(options.state);
  const cleanups = recoverInterruptedOperations(store);
  const providers = createResourceProviders(options.invoke, options.pollIntervalMs ?? 500);
  const exports = new StackExports(store);
  const deployments = new Deployments({ store, exports, providers });
  for (const stack of cleanups) {
    const caller = {
      region: stack.region,
      accountId: stack.accountId,
      accessKeyId: '',
      state: options.state
    };
    void deployments.resumeCleanup(stack, caller);
  }
  const runtime: CloudFormationRuntime = { store, exports, deployments, providers };
  return {
    service: {
      protocol: 'query',
      signingName: 'cloudformation',
      xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
      operations: combineOperations(
        stackOperations(runtime),
        changeSetOperations(runtime),
        describeOperations(runtime),
        eventOperations(runtime),
        exportOperations(runtime)
      )
    },
    settled: () => deployments.settled()
  };
}
