import type { UpdateEndpointCommandInput, VariantProperty } from '@aws-sdk/client-sagemaker';
import { AwsServiceError } from '../../../wire/errors.js';
import { wireMembers, type WireInput } from '../../../wire/types.js';
import type {
  Deployment,
  EndpointConfigRecord,
  EndpointRecord,
  HostingStore,
  VariantDeployment
} from './records.js';

/**
 * What an endpoint config's variants run, read from its models now: as on SageMaker, deleting or
 * replacing a model later does not change a running endpoint.
 */
export function planDeployment(
  store: HostingStore,
  region: string,
  config: EndpointConfigRecord,
  defaultHealthCheckTimeoutSeconds: number
): Deployment {
  return {
    EndpointConfigName: config.EndpointConfigName,
    Variants: config.ProductionVariants.map((variant): VariantDeployment => {
      const modelName = String(variant.ModelName);
      const model = store.model(region, modelName);
      if (!model) throw store.notFound(region, 'model', modelName);
      return {
        VariantName: String(variant.VariantName),
        ModelName: model.ModelName,
        Containers: model.containers.map((container) => ({ ...container })),
        InvocationMode: model.InferenceExecutionConfig?.Mode === 'Direct' ? 'Direct' : 'Serial',
        InstanceCount: variant.ServerlessConfig ? 1 : Number(variant.InitialInstanceCount),
        InstanceType: String(variant.InstanceType ?? 'serverless'),
        Weight: Number(variant.InitialVariantWeight ?? 1),
        HealthCheckTimeoutSeconds: Number(
          variant.ContainerStartupHealthCheckTimeoutInSeconds ?? defaultHealthCheckTimeoutSeconds
        )
      };
    })
  };
}

/**
 * SageMaker's account-level instance quota, per instance type, over every endpoint's fleets: those
 * serving and those being deployed (an update runs both until the new one is healthy).
 */
export function checkInstanceLimit(
  store: HostingStore,
  region: string,
  deployment: Deployment,
  limit: number,
  updating?: EndpointRecord
): void {
  const inUse = new Map<string, number>();
  for (const endpoint of store.endpoints(region)) {
    if (endpoint.EndpointStatus === 'Failed' || endpoint.EndpointStatus === 'Deleting') continue;
    for (const held of [endpoint.serving, endpoint.pending]) {
      for (const variant of held?.Variants ?? []) {
        inUse.set(variant.InstanceType, (inUse.get(variant.InstanceType) ?? 0) + variant.InstanceCount);
      }
    }
  }
  const requested = new Map<string, number>();
  for (const variant of deployment.Variants) {
    requested.set(variant.InstanceType, (requested.get(variant.InstanceType) ?? 0) + variant.InstanceCount);
  }
  for (const [instanceType, delta] of requested) {
    const current = inUse.get(instanceType) ?? 0;
    if (current + delta > limit) {
      throw new AwsServiceError(
        'ResourceLimitExceeded',
        `The account-level service limit '${instanceType} for endpoint usage' is ${limit} Instances, ` +
          `with current utilization of ${current} Instances and a request delta of ${delta} Instances. ` +
          `Please use AWS Service Quotas to request an increase for this quota.` +
          (updating ? ' (An update runs the new fleet beside the serving one until it is healthy.)' : '')
      );
    }
  }
}

/**
 * UpdateEndpoint's RetainAllVariantProperties: variants that keep their name keep their current
 * instance count and weight, except the properties listed in ExcludeRetainedVariantProperties.
 */
export function retainVariantProperties(
  deployment: Deployment,
  serving: Deployment,
  input: WireInput<UpdateEndpointCommandInput>
): Deployment {
  if (input.RetainAllVariantProperties !== true) return deployment;
  const properties = input.ExcludeRetainedVariantProperties;
  const excluded = new Set(
    (Array.isArray(properties) ? properties : []).map((property: unknown) =>
      String(wireMembers<VariantProperty>(property).VariantPropertyType)
    )
  );
  return {
    ...deployment,
    Variants: deployment.Variants.map((variant) => {
      const current = serving.Variants.find((candidate) => candidate.VariantName === variant.VariantName);
      if (!current) return variant;
      return {
        ...variant,
        ...(!excluded.has('DesiredInstanceCount') && { InstanceCount: current.InstanceCount }),
        ...(!excluded.has('DesiredWeight') && { Weight: current.Weight })
      };
    })
  };
}
