import type { CreateEndpointCommandOutput, DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import type { Invoker, OperationOutput } from '../../../wire/invoke.js';
import { sameValue } from '../properties.js';
import { coerceProperties, type PropertyKind } from './coerce.js';
import { generatePhysicalName } from './names.js';
import { callService, isNotFound, sleep } from './service-call.js';
import {
  ResourceFailure,
  type CreateRequest,
  type ExistingResourceRequest,
  type ProvisionedResource,
  type ResourceProvider,
  type ResourceRequest
} from './types.js';

export interface SageMakerProviderOptions {
  invoke: Invoker;
  /** How often an endpoint's status is read while waiting for it. */
  pollIntervalMs: number;
}

const SAGEMAKER = 'SageMaker';
/** SageMaker names: up to 63 characters, letters, digits and hyphens. */
const NAME_LENGTH = 63;

interface Tag {
  Key: string;
  Value: string;
}

const MODEL_KINDS: Record<string, PropertyKind> = {
  EnableNetworkIsolation: 'boolean',
  'PrimaryContainer.MultiModelConfig.ModelCacheSetting': 'boolean'
};

const ENDPOINT_CONFIG_KINDS: Record<string, PropertyKind> = {
  'ProductionVariants.*.InitialInstanceCount': 'integer',
  'ProductionVariants.*.InitialVariantWeight': 'number',
  'ProductionVariants.*.VolumeSizeInGB': 'integer',
  'ProductionVariants.*.ModelDataDownloadTimeoutInSeconds': 'integer',
  'ProductionVariants.*.ContainerStartupHealthCheckTimeoutInSeconds': 'integer',
  'ProductionVariants.*.EnableSSMAccess': 'boolean',
  'ProductionVariants.*.ServerlessConfig.MemorySizeInMB': 'integer',
  'ProductionVariants.*.ServerlessConfig.MaxConcurrency': 'integer',
  'ProductionVariants.*.ServerlessConfig.ProvisionedConcurrency': 'integer',
  'DataCaptureConfig.InitialSamplingPercentage': 'integer',
  'DataCaptureConfig.EnableCapture': 'boolean'
};

const ENDPOINT_KINDS: Record<string, PropertyKind> = {
  RetainAllVariantProperties: 'boolean',
  RetainDeploymentConfig: 'boolean',
  'DeploymentConfig.BlueGreenUpdatePolicy.TerminationWaitInSeconds': 'integer',
  'DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds': 'integer',
  'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds': 'integer',
  'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize.Value': 'integer',
  'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.LinearStepSize.Value': 'integer',
  'DeploymentConfig.RollingUpdatePolicy.MaximumBatchSize.Value': 'integer',
  'DeploymentConfig.RollingUpdatePolicy.RollbackMaximumBatchSize.Value': 'integer',
  'DeploymentConfig.RollingUpdatePolicy.WaitIntervalInSeconds': 'integer',
  'DeploymentConfig.RollingUpdatePolicy.MaximumExecutionTimeoutInSeconds': 'integer'
};

/** The endpoint properties UpdateEndpoint changes in place; only EndpointName needs a new endpoint. */
const ENDPOINT_UPDATE_PROPERTIES = [
  'EndpointConfigName',
  'DeploymentConfig',
  'RetainAllVariantProperties',
  'ExcludeRetainedVariantProperties',
  'RetainDeploymentConfig'
];

const TRANSITIONAL_STATUSES = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

/** AWS::SageMaker::Model, ::EndpointConfig and ::Endpoint, provisioned through SageMaker's own operations. */
export function createSageMakerProviders(
  options: SageMakerProviderOptions
): Record<string, ResourceProvider> {
  const call = <Out extends object = OperationOutput>(
    request: ResourceRequest,
    operation: string,
    input: Record<string, unknown>
  ) => callService<Out>(options.invoke, request, SAGEMAKER, operation, input);

  /** Model and EndpointConfig: immutable except for tags, deleted by name. */
  const immutableResource = (kind: 'Model' | 'EndpointConfig', kinds: Record<string, PropertyKind>) => {
    const nameProperty = `${kind}Name`;
    return {
      requiresReplacement: (property: string) => property !== 'Tags',
      nameProperty,
      attributes: [nameProperty],
      async create(request: CreateRequest): Promise<ProvisionedResource> {
        const properties = coerceProperties(request.properties, kinds, request.logicalId);
        const name = nameOf(request, nameProperty);
        request.claim({
          physicalId: sageMakerArn(request, kind === 'Model' ? 'model' : 'endpoint-config', name),
          attributes: { [nameProperty]: name }
        });
        const output = await call(request, `Create${kind}`, { ...properties, [nameProperty]: name });
        return { physicalId: String(output[`${kind}Arn`]), attributes: { [nameProperty]: name } };
      },
      async update(request: ExistingResourceRequest): Promise<ProvisionedResource> {
        await updateTags(request);
        return { physicalId: request.physicalId, attributes: request.attributes };
      },
      async delete(request: ExistingResourceRequest): Promise<void> {
        await ignoreNotFound(
          call(request, `Delete${kind}`, { [nameProperty]: request.attributes[nameProperty] })
        );
      }
    } satisfies ResourceProvider;
  };

  const updateTags = async (request: ExistingResourceRequest): Promise<void> => {
    const before = tagsOf(request.previousProperties);
    const after = tagsOf(request.properties);
    const removed = [...before.keys()].filter((key) => !after.has(key));
    const changed = [...after].filter(([key, value]) => before.get(key) !== value);
    if (removed.length > 0) {
      await call(request, 'DeleteTags', { ResourceArn: request.physicalId, TagKeys: removed });
    }
    if (changed.length > 0) {
      await call(request, 'AddTags', {
        ResourceArn: request.physicalId,
        Tags: changed.map(([Key, Value]) => ({ Key, Value }))
      });
    }
  };

  /** Polls DescribeEndpoint until the endpoint settles; fails the resource unless it serves `configName`. */
  const waitForEndpoint = async (
    request: ResourceRequest,
    name: string,
    configName: string
  ): Promise<void> => {
    for (;;) {
      const endpoint = await call<DescribeEndpointCommandOutput>(request, 'DescribeEndpoint', {
        EndpointName: name
      });
      const status = String(endpoint.EndpointStatus);
      if (status === 'InService' && endpoint.EndpointConfigName === configName) return;
      if (
        status === 'InService' ||
        status === 'Failed' ||
        status === 'UpdateRollbackFailed' ||
        status === 'OutOfService'
      ) {
        const reason: unknown =
          endpoint.FailureReason ??
          `the endpoint is ${status} with endpoint config ${String(endpoint.EndpointConfigName)}`;
        throw new ResourceFailure(
          `Resource handler returned message: "Endpoint ${name} could not be brought to InService with endpoint config ${configName}: ${String(reason)}" (HandlerErrorCode: GeneralServiceException)`
        );
      }
      await sleep(options.pollIntervalMs, request.signal);
    }
  };

  /** The endpoint once no change is under way (a cancelled update may still be running in SageMaker). */
  const settledEndpoint = async (request: ResourceRequest, name: string) => {
    for (;;) {
      const endpoint = await call<DescribeEndpointCommandOutput>(request, 'DescribeEndpoint', {
        EndpointName: name
      });
      if (!TRANSITIONAL_STATUSES.has(String(endpoint.EndpointStatus))) return endpoint;
      await sleep(options.pollIntervalMs, request.signal);
    }
  };

  const endpoint: ResourceProvider = {
    requiresReplacement: (property) => property === 'EndpointName',
    nameProperty: 'EndpointName',
    attributes: ['EndpointName'],
    async create(request) {
      const properties = coerceProperties(request.properties, ENDPOINT_KINDS, request.logicalId);
      const name = nameOf(request, 'EndpointName');
      request.claim({
        physicalId: sageMakerArn(request, 'endpoint', name),
        attributes: { EndpointName: name }
      });
      const output = await call<CreateEndpointCommandOutput>(request, 'CreateEndpoint', {
        EndpointName: name,
        EndpointConfigName: properties['EndpointConfigName'],
        ...(properties['DeploymentConfig'] !== undefined && {
          DeploymentConfig: properties['DeploymentConfig']
        }),
        ...(properties['Tags'] !== undefined && { Tags: properties['Tags'] })
      });
      const provisioned = { physicalId: String(output.EndpointArn), attributes: { EndpointName: name } };
      try {
        await waitForEndpoint(request, name, String(properties['EndpointConfigName']));
      } catch (error) {
        throw new ResourceFailure(error instanceof Error ? error.message : String(error), provisioned);
      }
      return provisioned;
    },
    async update(request) {
      const properties = coerceProperties(request.properties, ENDPOINT_KINDS, request.logicalId);
      const name = String(request.attributes['EndpointName']);
      const configName = String(properties['EndpointConfigName']);
      const changed = ENDPOINT_UPDATE_PROPERTIES.some(
        (property) => !sameValue(request.previousProperties[property], request.properties[property])
      );
      if (changed) {
        // A rollback asks for the config SageMaker already went back to after a failed update: nothing to do.
        const current = await settledEndpoint(request, name);
        if (current.EndpointStatus !== 'InService' || current.EndpointConfigName !== configName) {
          await call(request, 'UpdateEndpoint', {
            EndpointName: name,
            ...Object.fromEntries(
              ENDPOINT_UPDATE_PROPERTIES.filter((property) => properties[property] !== undefined).map(
                (property) => [property, properties[property]]
              )
            )
          });
          await waitForEndpoint(request, name, configName);
        }
      }
      await updateTags(request);
      return { physicalId: request.physicalId, attributes: request.attributes };
    },
    async delete(request) {
      const name = String(request.attributes['EndpointName']);
      try {
        await call(request, 'DeleteEndpoint', { EndpointName: name });
        for (;;) {
          await call(request, 'DescribeEndpoint', { EndpointName: name });
          await sleep(options.pollIntervalMs, request.signal);
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  };

  return {
    'AWS::SageMaker::Model': immutableResource('Model', MODEL_KINDS),
    'AWS::SageMaker::EndpointConfig': immutableResource('EndpointConfig', ENDPOINT_CONFIG_KINDS),
    'AWS::SageMaker::Endpoint': endpoint
  };
}

function nameOf(request: ResourceRequest, property: string): string {
  const given = request.properties[property];
  return typeof given === 'string'
    ? given
    : generatePhysicalName(request.stackName, request.logicalId, NAME_LENGTH);
}

/** The ARN SageMaker gives a resource (its name in lower case), known before the call that creates it. */
function sageMakerArn(request: ResourceRequest, kind: string, name: string): string {
  return `arn:aws:sagemaker:${request.caller.region}:${request.caller.accountId}:${kind}/${name.toLowerCase()}`;
}

function tagsOf(properties: Record<string, unknown>): Map<string, string> {
  const tags = Array.isArray(properties['Tags']) ? (properties['Tags'] as Tag[]) : [];
  return new Map(tags.map((tag) => [String(tag.Key), String(tag.Value)]));
}

async function ignoreNotFound(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
