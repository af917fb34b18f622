import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ActionError, InputError, describeError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';

export interface WaitOptions {
  timeoutMs: number;
  clock: Clock;
  log: (message: string) => void;
  warn: (message: string) => void;
}

/** Polls often at first (a local or updating endpoint is often nearly ready), then every 15 seconds. */
const DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

/**
 * A ping is one cheap GET, and the step waits for nothing but the service's start (a container just started
 * for the test, usually), so it is polled often: a coarser poll adds its interval's remainder to every run.
 */
const PING_DELAY_MS = 250;

/** Endpoint states that will not become InService on their own. */
const DEAD_ENDS = ['Failed', 'Deleting', 'OutOfService', 'UpdateRollbackFailed'];

/**
 * Waits until the SageMaker endpoint is InService. Failed (and the other dead ends) end the wait at once
 * with the endpoint's FailureReason; so does an endpoint that does not exist.
 */
export async function waitForEndpoint(
  sagemaker: SageMakerClient,
  endpointName: string,
  options: WaitOptions
): Promise<void> {
  const deadline = options.clock.now() + options.timeoutMs;
  let lastStatus = '';
  for (let poll = 0; ; poll++) {
    const endpoint = await describe(sagemaker, endpointName);
    const status = endpoint.EndpointStatus ?? 'unknown';
    const reason = endpoint.FailureReason;
    if (status === 'InService') {
      // SageMaker keeps the old config serving when an update fails; the reason stays visible.
      if (reason)
        options.warn(`Endpoint ${endpointName} is InService, but its last update failed: ${reason}`);
      options.log(`Endpoint ${endpointName} is InService.`);
      return;
    }
    if (DEAD_ENDS.includes(status)) {
      throw new ActionError(
        `Endpoint ${endpointName} is ${status}${reason ? `: ${reason}` : '.'}`,
        status === 'Failed'
          ? 'Fix what the reason names (image, model data, health check) and deploy again.'
          : 'It will not become InService on its own; deploy it again.'
      );
    }
    if (status !== lastStatus) options.log(`Endpoint ${endpointName} is ${status}; waiting for InService.`);
    lastStatus = status;
    const delay = DELAYS_MS[Math.min(poll, DELAYS_MS.length - 1)]!;
    if (options.clock.now() + delay > deadline) {
      throw new ActionError(
        `Endpoint ${endpointName} was still ${status} after ${Math.round(options.timeoutMs / 1000)} seconds.`,
        'Raise wait-timeout-seconds, or look at the endpoint in the SageMaker console for what keeps it.'
      );
    }
    await options.clock.sleep(delay);
  }
}

async function describe(sagemaker: SageMakerClient, endpointName: string) {
  // Loaded on this path only (a cached import after the first poll): plain HTTP mode never needs the SDK.
  const { DescribeEndpointCommand } = await import('@aws-sdk/client-sagemaker');
  try {
    return await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (
      (error as { name?: string }).name === 'ValidationException' &&
      /could not find/i.test(String((error as Error).message))
    ) {
      throw new InputError(
        'endpoint-name',
        `endpoint '${endpointName}' does not exist in region ${await sagemaker.config.region()}`,
        'Check the name (deploy-cfn-stack outputs it) and aws-region.'
      );
    }
    throw new ActionError(`DescribeEndpoint for '${endpointName}' failed: ${describeError(error)}.`);
  }
}

/** Plain HTTP mode: waits until GET on the ping path answers 200. */
export async function waitForPing(
  ping: () => Promise<number | undefined>,
  url: string,
  options: WaitOptions
): Promise<void> {
  const deadline = options.clock.now() + options.timeoutMs;
  let last: number | undefined;
  for (;;) {
    last = await ping();
    if (last === 200) {
      options.log(`${url} answers 200.`);
      return;
    }
    if (options.clock.now() + PING_DELAY_MS > deadline) {
      throw new ActionError(
        `${url} did not answer 200 within ${Math.round(options.timeoutMs / 1000)} seconds ` +
          `(last: ${last === undefined ? 'no connection' : `status ${last}`}).`,
        'Check url and ping-path, and that the service is running; raise wait-timeout-seconds if it starts slowly.'
      );
    }
    await options.clock.sleep(PING_DELAY_MS);
  }
}
