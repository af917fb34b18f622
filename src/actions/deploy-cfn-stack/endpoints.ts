import type { DeploymentConfig, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { ActionError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import { Backoff, isThrottling } from './polling.js';
import type { Log } from '../../lib/log.js';

export const ENDPOINT_TYPE = 'AWS::SageMaker::Endpoint';
export const ENDPOINT_CONFIG_TYPE = 'AWS::SageMaker::EndpointConfig';

/** Endpoint statuses that will still change on their own. */
const SETTLING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/** The endpoint's name from its physical ID, which CloudFormation reports as the endpoint's ARN. */
export function endpointName(physicalId: string): string {
  const match = /^arn:[^:]+:sagemaker:[^:]*:[^:]*:endpoint\/(.+)$/.exec(physicalId);
  return match?.[1] ?? physicalId;
}

export function stackEndpoints(resources: readonly StackResourceSummary[]): string[] {
  return resources
    .filter((resource) => resource.ResourceType === ENDPOINT_TYPE && resource.PhysicalResourceId)
    .map((resource) => endpointName(resource.PhysicalResourceId ?? ''));
}

/** The names of the stack's endpoint configs, lower-cased as SageMaker's ARNs write them. */
export function stackEndpointConfigs(resources: readonly StackResourceSummary[]): Set<string> {
  return new Set(
    resources
      .filter((resource) => resource.ResourceType === ENDPOINT_CONFIG_TYPE && resource.PhysicalResourceId)
      .map((resource) => resourceName(resource.PhysicalResourceId ?? '', 'endpoint-config').toLowerCase())
  );
}

function resourceName(physicalId: string, kind: string): string {
  const match = new RegExp(`^arn:[^:]+:sagemaker:[^:]*:[^:]*:${kind}/(.+)$`).exec(physicalId);
  return match?.[1] ?? physicalId;
}

/** An endpoint as it ended up: the config it runs, and why its last update failed if it did. */
export interface ServedEndpoint {
  name: string;
  endpointConfigName: string;
  failureReason?: string;
}

/**
 * The endpoint must run one of the stack's endpoint configs. SageMaker's blue/green auto-rollback puts
 * an endpoint back InService on its old config while CloudFormation reports the update complete: a
 * success that is a rollback. A stack without endpoint configs of its own (a config passed in by name)
 * cannot be checked.
 */
export function checkServedConfigs(
  served: readonly ServedEndpoint[],
  stackConfigs: ReadonlySet<string>
): void {
  if (stackConfigs.size === 0) return;
  for (const endpoint of served) {
    if (stackConfigs.has(endpoint.endpointConfigName.toLowerCase())) continue;
    throw new ActionError(
      `Endpoint ${endpoint.name} was rolled back: it is InService on endpoint config ${endpoint.endpointConfigName}, ` +
        `not on the stack's new one (${[...stackConfigs].join(', ')})` +
        `${endpoint.failureReason ? `. SageMaker says: ${endpoint.failureReason}` : ''}.`,
      'The deployment guardrails (the alarms in the DeploymentConfig) rolled the new fleet back: the previous ' +
        "model still serves. Look at the alarms' history and the new model's logs, then deploy a fixed version."
    );
  }
}

/**
 * How long a blue/green deployment may take by its own settings, in seconds: every traffic shifting
 * step's wait (the baking periods) and the wait before the old fleet is terminated, or its maximum
 * execution time when that is longer.
 */
export function deploymentAllowanceSeconds(config: DeploymentConfig | undefined, instances: number): number {
  const policy = config?.BlueGreenUpdatePolicy;
  if (!policy) return 0;
  const routing = policy.TrafficRoutingConfiguration;
  const step = routing?.LinearStepSize;
  const steps =
    routing?.Type === 'CANARY'
      ? 2
      : routing?.Type === 'LINEAR' && step?.Value
        ? Math.ceil((step.Type === 'CAPACITY_PERCENT' ? 100 : Math.max(instances, 1)) / step.Value)
        : 1;
  const waits = (routing?.WaitIntervalInSeconds ?? 0) * steps + (policy.TerminationWaitInSeconds ?? 0);
  return Math.max(waits, policy.MaximumExecutionTimeoutInSeconds ?? 0);
}

/** Room for provisioning the new fleet on top of the deployment's own waits. */
const PROVISIONING_ALLOWANCE_MS = 15 * 60_000;

/**
 * Waits until each endpoint is InService. CloudFormation reports an endpoint complete once SageMaker
 * accepted it; this makes "the step passed" mean "the endpoint answers".
 */
export async function waitForEndpoints(
  sagemaker: SageMakerClient,
  names: readonly string[],
  clock: Clock,
  log: Log,
  deadline: number | undefined
): Promise<ServedEndpoint[]> {
  const { DescribeEndpointCommand } = await import('@aws-sdk/client-sagemaker');
  const served: ServedEndpoint[] = [];
  for (const name of names) {
    const backoff = new Backoff(clock);
    let lastStatus = '';
    let allowed = false;
    for (;;) {
      let status: string;
      let reason: string | undefined;
      let configName: string;
      try {
        const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
        status = endpoint.EndpointStatus ?? 'Unknown';
        reason = endpoint.FailureReason;
        configName = endpoint.EndpointConfigName ?? '';
        if (deadline !== undefined && !allowed && SETTLING.has(status)) {
          // The step's timeout must not cut a deployment short of its own baking and termination waits.
          allowed = true;
          const instances = (endpoint.ProductionVariants ?? []).reduce(
            (sum, variant) => sum + (variant.CurrentInstanceCount ?? 0),
            0
          );
          const seconds = deploymentAllowanceSeconds(endpoint.LastDeploymentConfig, instances);
          const needed = clock.now() + seconds * 1000 + PROVISIONING_ALLOWANCE_MS;
          if (seconds > 0 && needed > deadline) {
            log.info(
              `Endpoint ${name}: waiting up to ${Math.ceil((needed - clock.now()) / 60_000)} minutes, ` +
                `for its deployment's ${seconds} s of baking and termination waits.`
            );
            deadline = needed;
          }
        }
      } catch (error) {
        if (!isThrottling(error)) throw error;
        backoff.throttled();
        await backoff.wait();
        continue;
      }
      if (status !== lastStatus) {
        log.info(`Endpoint ${name}: ${status}`);
        lastStatus = status;
        backoff.changed();
      }
      if (status === 'InService') {
        served.push({
          name,
          endpointConfigName: configName,
          ...(reason !== undefined && { failureReason: reason })
        });
        break;
      }
      if (!SETTLING.has(status)) {
        throw new ActionError(
          `Endpoint ${name} is ${status}${reason ? `: ${reason}` : ''}.`,
          'Check the container logs of the endpoint (CloudWatch log group /aws/sagemaker/Endpoints/' +
            name +
            ').'
        );
      }
      if (deadline !== undefined && clock.now() >= deadline) {
        throw new ActionError(
          `Endpoint ${name} was still ${status} when the step's timeout ran out.`,
          "Raise 'timeout-in-minutes', or look at why the endpoint takes so long in the SageMaker console."
        );
      }
      await backoff.wait();
    }
  }
  return served;
}
