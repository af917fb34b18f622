import type { Server } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalEndpoint, listen, type AccountServices } from './server.js';
import { StateStore } from './state.js';
import { MetricBus } from './metrics.js';
import type { ServiceDefinition } from './wire/types.js';
import type { ServiceFactory, StackContext } from './context.js';
import { createInvoker } from './wire/invoke.js';
import { AuthorizationTokens, startRegistry, type LocalRegistry } from './registry/index.js';
import { createStsService } from './services/sts/index.js';
import { createIamService } from './services/iam/index.js';
import { createStackIdentity } from './identity/stack-identity.js';
import { resolveCaller } from './identity/caller.js';
import { authorize } from './identity/authorize.js';
import type { RegistryPolicy } from './registry/policy.js';
import { createEcrService } from './services/ecr/index.js';
import { ecrRegistryPolicy, RepositoryStore } from './services/ecr/repositories.js';
import { createCloudFormationService } from './services/cloudformation/index.js';
import { createSageMakerService } from './services/sagemaker/index.js';
import { startStackHosting } from './services/sagemaker/hosting/index.js';
import { modelRegistryOperations, registryTaggable } from './services/sagemaker/registry/index.js';
import { tagOperations } from './services/sagemaker/tags.js';
import { createSageMakerRuntimeService } from './services/sagemaker-runtime/index.js';
import { createCloudWatchService } from './services/cloudwatch/index.js';

export type { ServiceFactory, StackContext } from './context.js';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/**
 * Every AWS service the local stack answers. To add one, append its factory: it receives the
 * StackContext and returns its ServiceDefinition (see wire/types.ts).
 */
const SERVICES: ServiceFactory[] = [
  (stack) => createStsService(stack.identity),
  (stack) => createIamService(stack.identity.iam),
  (stack) => createEcrService(stack),
  (stack) => createCloudFormationService({ state: stack.state, invoke: stack.invoke }).service,
  (stack) => {
    // SageMaker and SageMaker Runtime share one hosting: the endpoints one creates, the other invokes.
    const hosting = startStackHosting(stack);
    return [
      createSageMakerService([
        hosting.operations,
        modelRegistryOperations(),
        tagOperations([registryTaggable, hosting.store.taggable])
      ]),
      createSageMakerRuntimeService(hosting, stack.metrics)
    ];
  },
  (stack) => createCloudWatchService(stack)
];

export interface LocalStackOptions {
  dataDir: string;
  /** Port of the AWS endpoint on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Port of the registry on 127.0.0.1; 0 picks a free one. */
  registryPort: number;
  accountId?: string;
  region?: string;
  /** Lifetime of GetAuthorizationToken passwords (ECR: 12 hours). */
  tokenTtlSeconds?: number;
  /** The services to serve; every service of the local stack unless a test wants fewer or its own. */
  services?: ServiceFactory[];
  /** Receives one line per API request answered. */
  log?: (line: string) => void;
  /** Check role sessions' calls against their identity policies (`modelship local up --enforce-iam`). */
  enforceIam?: boolean;
}

export interface RunningLocalStack {
  endpoint: string;
  registryHost: string;
  accountId: string;
  region: string;
  dataDir: string;
  registry: LocalRegistry;
  stop(): Promise<void>;
}

/**
 * Starts the registry, builds every service and serves them on one endpoint. This is the only place
 * that knows all the parts; `modelship local serve` runs it.
 */
export async function launchLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const region = options.region ?? LOCAL_REGION;
  const state = new StateStore(options.dataDir);
  const identity = createStackIdentity(state);
  // Other accounts keep their state under accounts/<id>/; the configured account where it always was.
  const accountStates = new Map<string, StateStore>([[accountId, state]]);
  const stateOf = (id: string) => {
    let accountState = accountStates.get(id);
    if (!accountState)
      accountStates.set(id, (accountState = new StateStore(accountDataDir(options.dataDir, id))));
    return accountState;
  };
  const registry = await startRegistry({
    dataDir: options.dataDir,
    state,
    policy: anyAccountPolicy(() =>
      [...accountStates.values()].map((store) => ecrRegistryPolicy(new RepositoryStore(store)))
    ),
    registryId: accountId,
    port: options.registryPort,
    ...(options.tokenTtlSeconds !== undefined && { tokenTtlSeconds: options.tokenTtlSeconds })
  });

  const shutdownHooks: (() => Promise<void> | void)[] = [];
  const resetHooks: (() => Promise<void> | void)[] = [];
  let server: Server | undefined;
  const stop = async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
    const results = await Promise.allSettled(shutdownHooks.map(async (hook) => hook()));
    await registry.stop();
    const failures = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected'
    );
    if (failures.length > 0) {
      throw new Error(
        `Stopping the local stack: ${failures.map((failure) => String(failure.reason)).join('; ')}`
      );
    }
  };

  const accounts = new Map<string, Promise<AccountServices>>();
  /** One set of services per account, built the first time a request acts in that account. */
  const accountOf = (id: string): Promise<AccountServices> => {
    let built = accounts.get(id);
    if (!built) {
      built = (async () => {
        const services: ServiceDefinition[] = [];
        const context: StackContext = {
          dataDir: id === accountId ? options.dataDir : accountDataDir(options.dataDir, id),
          state: stateOf(id),
          accountId: id,
          identity,
          region,
          registry,
          services,
          metrics: new MetricBus(),
          invoke: createInvoker(services),
          onShutdown: (hook) => void shutdownHooks.push(hook),
          onReset: (hook) => void resetHooks.push(hook)
        };
        for (const factory of options.services ?? SERVICES) services.push(...[await factory(context)].flat());
        return { services, state: context.state };
      })();
      accounts.set(id, built);
    }
    return built;
  };

  try {
    const { services } = await accountOf(accountId);
    // Accounts used before a restart come back at once, so their endpoints are restored too.
    await Promise.all(storedAccounts(options.dataDir).map(accountOf));
    server = createLocalEndpoint({
      services,
      state,
      accountId,
      defaultRegion: region,
      identity: {
        issuer: identity.issuer,
        accountOf,
        resolve: (credentials, protocol) =>
          resolveCaller(credentials, accountId, identity.sessions, protocol),
        ...(options.enforceIam && { authorize: (request) => authorize(identity.iam, request) })
      },
      ...(options.log !== undefined && { onRequest: options.log }),
      reset: async () => {
        for (const hook of resetHooks) await hook();
        // Registry passwords survive, so `docker login`s made before the reset stay valid.
        for (const [id, accountState] of accountStates)
          accountState.reset(id === accountId ? [AuthorizationTokens.DOCUMENT] : []);
      },
      health: () => ({
        registry: registry.running() ? 'running' : 'stopped',
        services: services.map((service) => service.signingName)
      })
    });
    const port = await listen(server, options.port).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new Error(`Port ${options.port} is already in use. Choose another with --port.`)
        : error;
    });
    return {
      endpoint: `http://127.0.0.1:${port}`,
      registryHost: registry.host,
      accountId,
      region,
      dataDir: options.dataDir,
      registry,
      stop
    };
  } catch (error) {
    server = undefined;
    await stop().catch(() => undefined);
    throw error;
  }
}

function accountDataDir(dataDir: string, accountId: string): string {
  return join(dataDir, 'accounts', accountId);
}

/** The accounts other than the configured one that have state in the data directory. */
function storedAccounts(dataDir: string): string[] {
  const directory = join(dataDir, 'accounts');
  return existsSync(directory) ? readdirSync(directory).filter((name) => /^\d{12}$/.test(name)) : [];
}

/**
 * One registry serves every account: a repository name any account's ECR knows may be pushed and
 * pulled, and its tag rules are those of every account that has it.
 */
function anyAccountPolicy(policies: () => RegistryPolicy[]): RegistryPolicy {
  return {
    repositoryExists: (name) => policies().some((policy) => policy.repositoryExists(name)),
    tagIsImmutable: (name, tag) => policies().some((policy) => policy.tagIsImmutable(name, tag)),
    manifestStored: (name, digest, at) => {
      for (const policy of policies()) policy.manifestStored(name, digest, at);
    }
  };
}
