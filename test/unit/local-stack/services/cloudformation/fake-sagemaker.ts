import { AwsServiceError } from '../../../../../src/local-stack/wire/errors.js';
import type { OperationInput, ServiceDefinition } from '../../../../../src/local-stack/wire/types.js';

/**
 * A stand-in for the local SageMaker hosting service in CloudFormation's unit tests: the same operations
 * and error messages, with endpoints that settle after a few DescribeEndpoint calls instead of running
 * containers. An image whose name contains "broken" never passes its health check, so endpoints using it
 * fail (create) or keep serving their previous config (update), as SageMaker's do.
 */
export interface FakeSageMaker {
  service: ServiceDefinition;
  models: Map<string, OperationInput>;
  configs: Map<string, OperationInput>;
  endpoints: Map<string, FakeEndpoint>;
  /** Every operation called, in order, with its input. */
  calls: { operation: string; input: OperationInput }[];
  /** While true, endpoints stay in their transitional status (Creating, Updating, Deleting). */
  hold: boolean;
  /** Operations that fail (503) while listed here, as a service outage would make them. */
  unavailable: Set<string>;
}

interface FakeEndpoint {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: string;
  FailureReason?: string;
  pending?: { status: string; polls: number; configName: string };
}

const ARN = 'arn:aws:sagemaker:us-east-1:000000000000';
const notFound = (kind: string, name: string) =>
  new AwsServiceError(
    'ValidationException',
    `Could not find ${kind} "${ARN}:${kind.replace(' ', '-')}/${name}".`
  );

export function createFakeSageMaker(pollsToSettle = 2): FakeSageMaker {
  const models = new Map<string, OperationInput>();
  const configs = new Map<string, OperationInput>();
  const endpoints = new Map<string, FakeEndpoint>();
  const calls: FakeSageMaker['calls'] = [];

  const healthy = (configName: string) => {
    const config = configs.get(configName);
    return (config?.['ProductionVariants'] as OperationInput[]).every(
      (variant) =>
        !String(
          (models.get(String(variant['ModelName']))?.['PrimaryContainer'] as { Image?: string } | undefined)
            ?.Image
        ).includes('broken')
    );
  };
  const requireEndpoint = (name: string) => {
    const endpoint = endpoints.get(name);
    if (!endpoint) throw notFound('endpoint', name);
    return endpoint;
  };
  const settle = (endpoint: FakeEndpoint) => {
    const pending = endpoint.pending;
    if (!pending || fake.hold || --pending.polls > 0) return;
    delete endpoint.pending;
    if (pending.status === 'Deleting') {
      endpoints.delete(endpoint.EndpointName);
    } else if (healthy(pending.configName)) {
      endpoint.EndpointStatus = 'InService';
      endpoint.EndpointConfigName = pending.configName;
      delete endpoint.FailureReason;
    } else {
      endpoint.EndpointStatus = pending.status === 'Creating' ? 'Failed' : 'InService';
      endpoint.FailureReason =
        'The primary container for production variant AllTraffic did not pass the ping health check.';
    }
  };

  const operations: Record<string, (input: OperationInput) => unknown> = {
    CreateModel(input) {
      const name = String(input['ModelName']);
      if (models.has(name))
        throw new AwsServiceError(
          'ValidationException',
          `Cannot create already existing model "${ARN}:model/${name}".`
        );
      models.set(name, input);
      return { ModelArn: `${ARN}:model/${name}` };
    },
    DeleteModel(input) {
      if (!models.delete(String(input['ModelName']))) throw notFound('model', String(input['ModelName']));
      return {};
    },
    CreateEndpointConfig(input) {
      const name = String(input['EndpointConfigName']);
      for (const variant of input['ProductionVariants'] as OperationInput[]) {
        if (!models.has(String(variant['ModelName']))) throw notFound('model', String(variant['ModelName']));
        if (
          variant['InitialInstanceCount'] !== undefined &&
          typeof variant['InitialInstanceCount'] !== 'number'
        ) {
          throw new AwsServiceError('SerializationException', 'InitialInstanceCount must be a number');
        }
      }
      configs.set(name, input);
      return { EndpointConfigArn: `${ARN}:endpoint-config/${name}` };
    },
    DeleteEndpointConfig(input) {
      if (!configs.delete(String(input['EndpointConfigName'])))
        throw notFound('endpoint config', String(input['EndpointConfigName']));
      return {};
    },
    CreateEndpoint(input) {
      const name = String(input['EndpointName']);
      const configName = String(input['EndpointConfigName']);
      if (!configs.has(configName)) throw notFound('endpoint config', configName);
      const endpoint: FakeEndpoint = {
        EndpointName: name,
        EndpointArn: `${ARN}:endpoint/${name}`,
        EndpointConfigName: configName,
        EndpointStatus: 'Creating',
        pending: { status: 'Creating', polls: pollsToSettle, configName }
      };
      endpoints.set(name, endpoint);
      return { EndpointArn: endpoint.EndpointArn };
    },
    UpdateEndpoint(input) {
      const endpoint = requireEndpoint(String(input['EndpointName']));
      const configName = String(input['EndpointConfigName']);
      if (!configs.has(configName)) throw notFound('endpoint config', configName);
      endpoint.EndpointStatus = 'Updating';
      endpoint.pending = { status: 'Updating', polls: pollsToSettle, configName };
      return { EndpointArn: endpoint.EndpointArn };
    },
    DescribeEndpoint(input) {
      const endpoint = requireEndpoint(String(input['EndpointName']));
      settle(endpoint);
      const current = requireEndpoint(String(input['EndpointName']));
      const view: Partial<FakeEndpoint> = { ...current };
      delete view.pending;
      return view;
    },
    DeleteEndpoint(input) {
      const endpoint = requireEndpoint(String(input['EndpointName']));
      endpoint.EndpointStatus = 'Deleting';
      endpoint.pending = {
        status: 'Deleting',
        polls: pollsToSettle,
        configName: endpoint.EndpointConfigName
      };
      return {};
    }
  };

  const fake: FakeSageMaker = {
    models,
    configs,
    endpoints,
    calls,
    hold: false,
    unavailable: new Set(),
    service: {
      protocol: 'json',
      signingName: 'sagemaker',
      targetPrefix: 'SageMaker',
      jsonVersion: '1.1',
      operations: Object.fromEntries(
        Object.entries(operations).map(([name, operation]) => [
          name,
          (input: OperationInput) => {
            calls.push({ operation: name, input });
            if (fake.unavailable.has(name)) {
              throw new AwsServiceError('ServiceUnavailable', 'SageMaker is unavailable', 503);
            }
            return operation(input);
          }
        ])
      )
    }
  };
  return fake;
}
