import type { StackIdentity } from './identity/stack-identity.js';
import type { MetricBus } from './metrics.js';
import type { ObjectStore } from './services/s3/store.js';
import type { LocalRegistry } from './registry/index.js';
import type { StateStore } from './state.js';
import type { Invoker } from './wire/invoke.js';
import type { ServiceDefinition } from './wire/types.js';

/**
 * What every service factory gets: the stack's shared pieces. Factories run once per account the stack
 * serves, each time with that account's `accountId`, `state` and `dataDir`.
 */
export interface StackContext {
  dataDir: string;
  state: StateStore;
  accountId: string;
  /** IAM, STS sessions and the OIDC issuer, shared by every account. */
  identity: StackIdentity;
  /** The region unsigned requests default to; signed requests carry their own (RequestContext.region). */
  region: string;
  /** The container registry: `registry.host`, `registry.client`, `registry.dockerConfigDir`, ... */
  registry: LocalRegistry;
  /** Every service of the stack, filled in as the factories run (so read it when handling a request). */
  services: readonly ServiceDefinition[];
  /** Metrics services report about themselves (AWS/SageMaker invocations); CloudWatch subscribes. */
  metrics: MetricBus;
  /** The account's S3 buckets and objects, which S3 serves and other services read in-process. */
  objects: ObjectStore;
  /** Calls another local service's operation in-process: `invoke('SageMaker', 'CreateModel', input, caller)`. */
  invoke: Invoker;
  /** Runs when the stack stops (`modelship local down`), e.g. to remove containers a service started. */
  onShutdown(hook: () => Promise<void> | void): void;
  /**
   * Runs on `modelship local reset`, before every service's state is emptied: undo what lives outside
   * the state (containers, registry images).
   */
  onReset(hook: () => Promise<void> | void): void;
}

/** Builds one service, or several that share state (SageMaker and SageMaker Runtime share hosting). */
export type ServiceFactory = (
  stack: StackContext
) => ServiceDefinition | ServiceDefinition[] | Promise<ServiceDefinition | ServiceDefinition[]>;
