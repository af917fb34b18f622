import type { OutgoingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../../wire/errors.js';
import type { RunningContainer, RunningInstance } from '../sagemaker/hosting/fleet.js';
import type { InvocationMode } from '../sagemaker/hosting/records.js';
import type { ContainerAnswer } from './forward.js';

/**
 * SageMaker limits what one container of an inference pipeline hands to the next (its developer guide,
 * "Troubleshoot inference pipelines").
 */
export const MAX_INTERMEDIATE_PAYLOAD_BYTES = 5 * 1024 * 1024;

/**
 * The containers one request goes through: every container in order (Serial, the default and what a
 * one-container model does), or the one TargetContainerHostname names (Direct). SageMaker refuses a
 * Direct request without a valid name, and a name sent to an endpoint that is not Direct.
 */
export function containersToCall(
  instance: RunningInstance,
  mode: InvocationMode,
  targetHostname: string | undefined,
  endpointName: string
): RunningContainer[] {
  const hostnames = instance.containers.map((container) => container.hostname).join(', ');
  if (mode !== 'Direct') {
    if (targetHostname === undefined) return instance.containers;
    throw new AwsServiceError(
      'ValidationError',
      `TargetContainerHostname is only accepted by endpoints configured for direct invocation ` +
        `(InferenceExecutionConfig.Mode Direct); endpoint ${endpointName} calls its containers in series.`
    );
  }
  if (targetHostname === undefined) {
    throw new AwsServiceError(
      'ValidationError',
      `Endpoint ${endpointName} is configured for direct invocation: name the container to invoke ` +
        `with TargetContainerHostname (one of: ${hostnames}).`
    );
  }
  const target = instance.containers.find((container) => container.hostname === targetHostname);
  if (!target) {
    throw new AwsServiceError(
      'ValidationError',
      `The container hostname ${targetHostname} is not in endpoint ${endpointName} (its containers: ${hostnames}).`
    );
  }
  return [target];
}

/** What a pipeline answered: the last container called, and its answer. */
export interface PipelineAnswer {
  hostname: string;
  answer: ContainerAnswer;
  /** Set when a container's answer was too large to hand on: the container that produced it and the next. */
  oversized?: { from: string; to: string; bytes: number };
}

export type PostInvocation = (
  container: RunningContainer,
  headers: OutgoingHttpHeaders,
  body: Buffer
) => Promise<ContainerAnswer>;

/**
 * Calls the containers in order, as SageMaker runs a serial inference pipeline: the first gets the
 * request; each answer's body and Content-Type are the next container's request; the last one answers.
 * Only the last container gets the caller's Accept (the others' output is for the next container).
 * Stops at the first answer that is not 2xx (the caller reports which container failed).
 */
export async function invokeInOrder(
  containers: RunningContainer[],
  headers: OutgoingHttpHeaders,
  body: Buffer,
  post: PostInvocation
): Promise<PipelineAnswer> {
  const { accept, 'content-type': contentType, ...shared } = headers;
  const withContentType = (value: OutgoingHttpHeaders[string]): OutgoingHttpHeaders =>
    value === undefined ? shared : { ...shared, 'content-type': value };
  let request = { headers: withContentType(contentType), body };
  for (const [index, container] of containers.entries()) {
    const last = index === containers.length - 1;
    const answer = await post(
      container,
      last && accept !== undefined ? { ...request.headers, accept } : request.headers,
      request.body
    );
    if (last || answer.status < 200 || answer.status > 299) return { hostname: container.hostname, answer };
    const next = containers[index + 1]!;
    if (answer.body.length > MAX_INTERMEDIATE_PAYLOAD_BYTES) {
      return {
        hostname: container.hostname,
        answer,
        oversized: { from: container.hostname, to: next.hostname, bytes: answer.body.length }
      };
    }
    request = { headers: withContentType(answer.headers['content-type']), body: answer.body };
  }
  throw new Error('invokeInOrder needs at least one container');
}
