import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { ActionError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import { Backoff, isThrottling } from './polling.js';
import type { Log } from '../../lib/log.js';

export const ENDPOINT_TYPE = 'AWS::SageMaker::Endpoint';

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
): Promise<void> {
  const { DescribeEndpointCommand } = await import('@aws-sdk/client-sagemaker');
  for (const name of names) {
    const backoff = new Backoff(clock);
    let lastStatus = '';
    for (;;) {
      let status: string;
      let reason: string | undefined;
      try {
        const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
        status = endpoint.EndpointStatus ?? 'Unknown';
        reason = endpoint.FailureReason;
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
      if (status === 'InService') break;
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
}
