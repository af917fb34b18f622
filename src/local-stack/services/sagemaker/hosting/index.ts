import { resolve } from 'node:path';
import type {
  CreateEndpointCommandInput,
  CreateEndpointCommandOutput,
  CreateEndpointConfigCommandInput,
  CreateEndpointConfigCommandOutput,
  CreateModelCommandInput,
  CreateModelCommandOutput,
  DeleteEndpointCommandInput,
  DeleteEndpointCommandOutput,
  DeleteEndpointConfigCommandInput,
  DeleteEndpointConfigCommandOutput,
  DeleteModelCommandInput,
  DeleteModelCommandOutput,
  DescribeEndpointCommandInput,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommandInput,
  DescribeEndpointConfigCommandOutput,
  DescribeModelCommandInput,
  DescribeModelCommandOutput,
  ListEndpointConfigsCommandInput,
  ListEndpointConfigsCommandOutput,
  ListEndpointsCommandInput,
  ListEndpointsCommandOutput,
  ListModelsCommandInput,
  ListModelsCommandOutput,
  ProductionVariant,
  ProductionVariantSummary,
  UpdateEndpointCommandInput,
  UpdateEndpointCommandOutput
} from '@aws-sdk/client-sagemaker';
import { DockerCli, type ContainerEngine } from '../../../docker/engine.js';
import type { StackContext } from '../../../context.js';
import type { StateStore } from '../../../state.js';
import { validationError } from '../../../wire/errors.js';
import {
  asGiven,
  defineOperations,
  wireMembers,
  type OperationInput,
  type OperationTable,
  type RequestContext
} from '../../../wire/types.js';
import { EndpointController } from './endpoints.js';
import type { FleetOptions } from './fleet.js';
import { HostingStore, type EndpointConfigRecord, type EndpointRecord, type ModelRecord } from './records.js';
import { TrafficTable } from './traffic.js';
import { checkVariantConstraints } from './variant-constraints.js';
import { checkInstanceLimit, planDeployment, retainVariantProperties } from './deployment.js';
import { listPage, optionalNumber, parseListRequest, requireName } from './validation.js';
import { readModelPackage } from '../registry/index.js';
import { optionalTags } from '../registry/validation.js';
import { resolveModelContainers } from './containers.js';

export interface HostingOptions {
  state: StateStore;
  accountId: string;
  engine: ContainerEngine;
  /** The label value that marks this stack's containers (its data directory). */
  stackLabel: string;
  dockerConfigDir?: string;
  /** Instances (containers) of one instance type all endpoints may use together. */
  instanceLimit?: number;
  /** Health check timeout of variants without ContainerStartupHealthCheckTimeoutInSeconds. */
  defaultHealthCheckTimeoutSeconds?: number;
  pingIntervalMs?: number;
}

/** The hosting half of local SageMaker: its operations, and the traffic table SageMaker Runtime routes with. */
export interface LocalHosting {
  operations: OperationTable;
  traffic: TrafficTable;
  controller: EndpointController;
  store: HostingStore;
}

type HostingOperations = {
  CreateModel: [CreateModelCommandInput, CreateModelCommandOutput];
  DescribeModel: [DescribeModelCommandInput, DescribeModelCommandOutput];
  DeleteModel: [DeleteModelCommandInput, DeleteModelCommandOutput];
  ListModels: [ListModelsCommandInput, ListModelsCommandOutput];
  CreateEndpointConfig: [CreateEndpointConfigCommandInput, CreateEndpointConfigCommandOutput];
  DescribeEndpointConfig: [DescribeEndpointConfigCommandInput, DescribeEndpointConfigCommandOutput];
  DeleteEndpointConfig: [DeleteEndpointConfigCommandInput, DeleteEndpointConfigCommandOutput];
  ListEndpointConfigs: [ListEndpointConfigsCommandInput, ListEndpointConfigsCommandOutput];
  CreateEndpoint: [CreateEndpointCommandInput, CreateEndpointCommandOutput];
  UpdateEndpoint: [UpdateEndpointCommandInput, UpdateEndpointCommandOutput];
  DescribeEndpoint: [DescribeEndpointCommandInput, DescribeEndpointCommandOutput];
  ListEndpoints: [ListEndpointsCommandInput, ListEndpointsCommandOutput];
  DeleteEndpoint: [DeleteEndpointCommandInput, DeleteEndpointCommandOutput];
};

export const DEFAULT_INSTANCE_LIMIT = 8;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS = 300;

/**
 * The stack's hosting, shared by the SageMaker and SageMaker Runtime services. Restores the endpoints a
 * previous run left InService and registers the shutdown that stops containers.
 */
export function startStackHosting(stack: StackContext): LocalHosting {
  const hosting = createHosting({
    state: stack.state,
    accountId: stack.accountId,
    engine: new DockerCli(),
    stackLabel: resolve(stack.dataDir),
    dockerConfigDir: stack.registry.dockerConfigDir
  });
  stack.onShutdown(() => hosting.controller.shutdown());
  stack.onReset(() => hosting.controller.reset());
  void hosting.controller.restore().catch((error: unknown) => {
    process.stderr.write(`Restoring SageMaker endpoints failed: ${String(error)}\n`);
  });
  return hosting;
}

export function createHosting(options: HostingOptions): LocalHosting {
  const store = new HostingStore(options.state, options.accountId);
  const traffic = new TrafficTable();
  const fleetOptions: FleetOptions = {
    engine: options.engine,
    stackLabel: options.stackLabel,
    ...(options.dockerConfigDir !== undefined && { dockerConfigDir: options.dockerConfigDir }),
    pingIntervalMs: options.pingIntervalMs ?? 200,
    logLines: 20
  };
  const controller = new EndpointController(store, traffic, fleetOptions);
  const instanceLimit = options.instanceLimit ?? DEFAULT_INSTANCE_LIMIT;
  const defaultTimeout = options.defaultHealthCheckTimeoutSeconds ?? DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS;

  const requireModel = (context: RequestContext, name: string): ModelRecord => {
    const model = store.model(context.region, name);
    if (!model) throw store.notFound(context.region, 'model', name);
    return model;
  };
  const requireConfig = (context: RequestContext, name: string): EndpointConfigRecord => {
    const config = store.endpointConfig(context.region, name);
    if (!config) throw store.notFound(context.region, 'endpoint-config', name);
    return config;
  };
  const requireEndpoint = (context: RequestContext, name: string): EndpointRecord => {
    const endpoint = store.endpoint(context.region, name);
    if (!endpoint) throw store.notFound(context.region, 'endpoint', name);
    return endpoint;
  };

  const describeVariants = (
    context: RequestContext,
    endpoint: EndpointRecord
  ): ProductionVariantSummary[] | undefined => {
    const fleet = traffic.fleet(context.region, endpoint.EndpointName);
    return endpoint.serving?.Variants.map((variant) => ({
      VariantName: variant.VariantName,
      DeployedImages: variant.Containers.map((container) => ({
        SpecifiedImage: container.image,
        ...(container.resolvedImage !== undefined && { ResolvedImage: container.resolvedImage }),
        ...(container.resolutionTime !== undefined && { ResolutionTime: container.resolutionTime })
      })),
      CurrentWeight: variant.Weight,
      DesiredWeight: variant.Weight,
      CurrentInstanceCount:
        fleet?.variants.find((running) => running.deployment.VariantName === variant.VariantName)?.instances
          .length ?? 0,
      DesiredInstanceCount: variant.InstanceCount
    }));
  };

  const operations = defineOperations<HostingOperations>({
    CreateModel(input, context) {
      const name = requireName(input, 'ModelName');
      if (store.model(context.region, name)) throw store.alreadyExists(context.region, 'model', name);
      const { containers } = resolveModelContainers(input, (packageName) =>
        readModelPackage(context, packageName)
      );
      const tags = optionalTags(input, 'Tags');
      const record: ModelRecord = {
        ...withoutTags(asGiven(input)),
        ModelName: name,
        ModelArn: store.arn(context.region, 'model', name),
        CreationTime: new Date(),
        containers
      };
      store.putModel(context.region, record);
      store.tags.set(record.ModelArn, tags);
      return { ModelArn: record.ModelArn };
    },

    DescribeModel(input, context) {
      // As SageMaker does, the containers are described as given (a ModelPackageName stays a reference).
      const { containers, ...described } = requireModel(context, requireName(input, 'ModelName'));
      return described;
    },

    DeleteModel(input, context) {
      const model = requireModel(context, requireName(input, 'ModelName'));
      store.deleteModel(context.region, model.ModelName);
      return {};
    },

    ListModels(input, context) {
      const { page, NextToken } = listPage(
        store.models(context.region),
        (model) => ({ name: model.ModelName, created: model.CreationTime }),
        parseListRequest(input, ['Name', 'CreationTime'])
      );
      return {
        Models: page.map(({ ModelName, ModelArn, CreationTime }) => ({ ModelName, ModelArn, CreationTime })),
        ...(NextToken !== undefined && { NextToken })
      };
    },

    CreateEndpointConfig(input, context) {
      const name = requireName(input, 'EndpointConfigName');
      if (store.endpointConfig(context.region, name)) {
        throw store.alreadyExists(context.region, 'endpoint-config', name);
      }
      const variants = input.ProductionVariants;
      if (!Array.isArray(variants) || variants.length === 0 || variants.length > 10) {
        throw validationError(
          "1 validation error detected: Value at 'productionVariants' failed to satisfy constraint: " +
            'Member must have length between 1 and 10'
        );
      }
      const tags = optionalTags(input, 'Tags');
      checkVariantConstraints(variants as OperationInput[]);
      const seen = new Set<string>();
      const normalized = variants.map((given: unknown): ProductionVariant => {
        const variant = wireMembers<ProductionVariant>(given);
        const variantName = requireName(variant, 'VariantName');
        if (seen.has(variantName.toLowerCase())) {
          throw validationError(`The production variant name ${variantName} appears more than once.`);
        }
        seen.add(variantName.toLowerCase());
        requireModel(context, requireName(variant, 'ModelName'));
        const serverless = variant.ServerlessConfig !== undefined;
        if (!serverless) {
          if (typeof variant.InstanceType !== 'string') {
            throw validationError(
              `Production variant ${variantName} needs an InstanceType (or a ServerlessConfig).`
            );
          }
          if (optionalNumber(variant, 'InitialInstanceCount', 1, 1000) === undefined) {
            throw validationError(
              `Production variant ${variantName} needs an InitialInstanceCount (or a ServerlessConfig).`
            );
          }
        }
        optionalNumber(variant, 'ContainerStartupHealthCheckTimeoutInSeconds', 60, 3600);
        return {
          ...asGiven(variant),
          VariantName: variantName,
          InitialVariantWeight: optionalNumber(variant, 'InitialVariantWeight', 0, 1000) ?? 1
        };
      });
      const record: EndpointConfigRecord = {
        ...withoutTags(asGiven(input)),
        EndpointConfigName: name,
        EndpointConfigArn: store.arn(context.region, 'endpoint-config', name),
        CreationTime: new Date(),
        ProductionVariants: normalized
      };
      store.putEndpointConfig(context.region, record);
      store.tags.set(record.EndpointConfigArn, tags);
      return { EndpointConfigArn: record.EndpointConfigArn };
    },

    DescribeEndpointConfig(input, context) {
      return requireConfig(context, requireName(input, 'EndpointConfigName'));
    },

    DeleteEndpointConfig(input, context) {
      const config = requireConfig(context, requireName(input, 'EndpointConfigName'));
      store.deleteEndpointConfig(context.region, config.EndpointConfigName);
      return {};
    },

    ListEndpointConfigs(input, context) {
      const { page, NextToken } = listPage(
        store.endpointConfigs(context.region),
        (config) => ({ name: config.EndpointConfigName, created: config.CreationTime }),
        parseListRequest(input, ['Name', 'CreationTime'])
      );
      return {
        EndpointConfigs: page.map(({ EndpointConfigName, EndpointConfigArn, CreationTime }) => ({
          EndpointConfigName,
          EndpointConfigArn,
          CreationTime
        })),
        ...(NextToken !== undefined && { NextToken })
      };
    },

    CreateEndpoint(input, context) {
      const name = requireName(input, 'EndpointName');
      if (store.endpoint(context.region, name)) throw store.alreadyExists(context.region, 'endpoint', name);
      const config = requireConfig(context, requireName(input, 'EndpointConfigName'));
      const deployment = planDeployment(store, context.region, config, defaultTimeout);
      checkInstanceLimit(store, context.region, deployment, instanceLimit);
      const tags = optionalTags(input, 'Tags');
      const deploymentConfig = asGiven(input).DeploymentConfig;
      const now = new Date();
      const record: EndpointRecord = {
        EndpointName: name,
        EndpointArn: store.arn(context.region, 'endpoint', name),
        EndpointConfigName: config.EndpointConfigName,
        EndpointStatus: 'Creating',
        CreationTime: now,
        LastModifiedTime: now,
        pending: deployment,
        ...(deploymentConfig !== undefined && { DeploymentConfig: deploymentConfig })
      };
      store.putEndpoint(context.region, record);
      store.tags.set(record.EndpointArn, tags);
      controller.deploy(context.region, record);
      return { EndpointArn: record.EndpointArn };
    },

    UpdateEndpoint(input, context) {
      const endpoint = requireEndpoint(context, requireName(input, 'EndpointName'));
      const config = requireConfig(context, requireName(input, 'EndpointConfigName'));
      if (endpoint.EndpointStatus !== 'InService' || !endpoint.serving) {
        throw validationError(
          endpoint.EndpointStatus === 'Failed'
            ? `Cannot update failed endpoint "${endpoint.EndpointArn}". Delete it and create it again.`
            : `Cannot update in-progress endpoint "${endpoint.EndpointArn}".`
        );
      }
      const deployment = retainVariantProperties(
        planDeployment(store, context.region, config, defaultTimeout),
        endpoint.serving,
        input
      );
      checkInstanceLimit(store, context.region, deployment, instanceLimit, endpoint);
      endpoint.pending = deployment;
      endpoint.EndpointStatus = 'Updating';
      endpoint.LastModifiedTime = new Date();
      const deploymentConfig = asGiven(input).DeploymentConfig;
      if (deploymentConfig !== undefined) endpoint.DeploymentConfig = deploymentConfig;
      else if (input.RetainDeploymentConfig !== true) delete endpoint.DeploymentConfig;
      store.save();
      controller.deploy(context.region, endpoint);
      return { EndpointArn: endpoint.EndpointArn };
    },

    DescribeEndpoint(input, context) {
      const endpoint = requireEndpoint(context, requireName(input, 'EndpointName'));
      const variants = describeVariants(context, endpoint);
      const pending = endpoint.EndpointStatus === 'Updating' ? endpoint.pending : undefined;
      return {
        EndpointName: endpoint.EndpointName,
        EndpointArn: endpoint.EndpointArn,
        EndpointConfigName: endpoint.EndpointConfigName,
        EndpointStatus: endpoint.EndpointStatus,
        CreationTime: endpoint.CreationTime,
        LastModifiedTime: endpoint.LastModifiedTime,
        ...(variants !== undefined && { ProductionVariants: variants }),
        ...(endpoint.FailureReason !== undefined && { FailureReason: endpoint.FailureReason }),
        ...(endpoint.DeploymentConfig !== undefined && { LastDeploymentConfig: endpoint.DeploymentConfig }),
        ...(pending !== undefined && {
          PendingDeploymentSummary: {
            EndpointConfigName: pending.EndpointConfigName,
            StartTime: endpoint.LastModifiedTime,
            ProductionVariants: pending.Variants.map((variant) => ({
              VariantName: variant.VariantName,
              DeployedImages: variant.Containers.map((container) => ({ SpecifiedImage: container.image })),
              DesiredWeight: variant.Weight,
              DesiredInstanceCount: variant.InstanceCount,
              VariantStatus: [{ Status: 'Creating', StartTime: endpoint.LastModifiedTime }]
            }))
          }
        })
      };
    },

    ListEndpoints(input, context) {
      const status = input.StatusEquals;
      const { page, NextToken } = listPage(
        store
          .endpoints(context.region)
          .filter((endpoint) => status === undefined || endpoint.EndpointStatus === status),
        (endpoint) => ({
          name: endpoint.EndpointName,
          created: endpoint.CreationTime,
          modified: endpoint.LastModifiedTime,
          status: endpoint.EndpointStatus
        }),
        parseListRequest(input, ['Name', 'CreationTime', 'Status'])
      );
      return {
        Endpoints: page.map((endpoint) => ({
          EndpointName: endpoint.EndpointName,
          EndpointArn: endpoint.EndpointArn,
          CreationTime: endpoint.CreationTime,
          LastModifiedTime: endpoint.LastModifiedTime,
          EndpointStatus: endpoint.EndpointStatus
        })),
        ...(NextToken !== undefined && { NextToken })
      };
    },

    DeleteEndpoint(input, context) {
      const endpoint = requireEndpoint(context, requireName(input, 'EndpointName'));
      controller.delete(context.region, endpoint);
      return {};
    }
  });

  return { operations, traffic, controller, store };
}

/** Tags live in the shared TagStore, not in the records Describe* returns. */
function withoutTags<T extends object>(record: T): Omit<T, 'Tags'> {
  return Object.fromEntries(Object.entries(record).filter(([member]) => member !== 'Tags')) as Omit<
    T,
    'Tags'
  >;
}
