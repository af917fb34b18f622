import {
  InvokeEndpointCommand,
  SageMakerRuntimeServiceException,
  type SageMakerRuntimeClient
} from '@aws-sdk/client-sagemaker-runtime';
import { ActionError, describeError } from '../lib/errors.js';
import type { EndpointInvoker, Outcome } from './invoker.js';

const THROTTLING = ['ThrottlingException', 'ModelNotReadyException', 'TooManyRequestsException'];

/**
 * Invokes a SageMaker endpoint through SageMaker Runtime. The client should be created with
 * maxAttempts 1: retries follow the smoke test's own policy, and each latency is one request's.
 */
export function sageMakerInvoker(client: SageMakerRuntimeClient, endpointName: string): EndpointInvoker {
  return {
    target: `SageMaker endpoint ${endpointName}`,
    invoke: async (request) => {
      try {
        const response = await client.send(
          new InvokeEndpointCommand({
            EndpointName: endpointName,
            Body: request.body,
            ContentType: request.contentType,
            ...(request.accept !== undefined && { Accept: request.accept }),
            ...(request.targetVariant !== undefined && { TargetVariant: request.targetVariant }),
            ...(request.customAttributes !== undefined && { CustomAttributes: request.customAttributes })
          })
        );
        return {
          kind: 'answer',
          status: 200,
          body: Buffer.from(response.Body ?? new Uint8Array()),
          ...(response.ContentType !== undefined && { contentType: response.ContentType })
        };
      } catch (error) {
        return outcomeOfError(error, endpointName);
      }
    },
    close: () => client.destroy()
  };
}

/**
 * ModelError carries the container's own status and body: that is the model's answer. Throttling and
 * the service's 5xx are reported for the retry policy; anything else (unknown endpoint or variant, access
 * denied) is an error no retry can fix.
 */
function outcomeOfError(error: unknown, endpointName: string): Outcome {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name ?? '';
  if (name === 'ModelError') {
    const members = error as { OriginalStatusCode?: number; OriginalMessage?: string; message: string };
    if (members.OriginalStatusCode !== undefined) {
      return {
        kind: 'answer',
        status: members.OriginalStatusCode,
        body: Buffer.from(members.OriginalMessage ?? '')
      };
    }
    return { kind: 'unavailable', message: `ModelError: ${members.message}` };
  }
  if (THROTTLING.includes(name) || status === 429)
    return { kind: 'throttled', message: describeError(error) };
  if (!(error instanceof SageMakerRuntimeServiceException) && status === undefined) {
    return { kind: 'unavailable', message: describeError(error) };
  }
  if (status !== undefined && status >= 500) return { kind: 'unavailable', message: describeError(error) };
  throw new ActionError(
    `InvokeEndpoint on '${endpointName}' failed: ${describeError(error)}.`,
    'Check endpoint-name, aws-region, the credentials, and the targetVariant of the case.'
  );
}
