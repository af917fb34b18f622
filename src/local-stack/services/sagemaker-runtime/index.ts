import type { OutgoingHttpHeaders } from 'node:http';
import type { ModelError } from '@aws-sdk/client-sagemaker-runtime';
import { AwsServiceError } from '../../wire/errors.js';
import { jsonErrorResponse } from '../../wire/json-protocol.js';
import type { RequestContext, ServiceDefinition, WireRequest, WireResponse } from '../../wire/types.js';
import type { LocalHosting } from '../sagemaker/hosting/index.js';
import { ContainerTimeout, postInvocation } from './forward.js';
import { containersToCall, invokeInOrder } from './pipeline.js';
import { invocationMetrics } from './metrics.js';
import type { MetricBus } from '../../metrics.js';

/** SageMaker's limit on a real-time request's payload; the wire refuses larger bodies (413) unread. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** A container must answer /invocations within 60 seconds. */
const INVOCATION_TIMEOUT_MS = 60_000;

/** Request headers SageMaker passes on to the container; it strips every other one. */
const FORWARDED_HEADERS = [
  'content-type',
  'accept',
  'x-amzn-sagemaker-custom-attributes',
  'x-amzn-sagemaker-inference-id',
  'x-amzn-sagemaker-target-model'
];

/**
 * SageMaker Runtime (REST-JSON, signing name "sagemaker"): InvokeEndpoint, routed by the endpoint's
 * variant weights (or X-Amzn-SageMaker-Target-Variant) to an instance the hosting service runs, then
 * through its containers in series or to the one X-Amzn-SageMaker-Target-Container-Hostname names.
 */
export function createSageMakerRuntimeService(
  hosting: Pick<LocalHosting, 'store' | 'traffic'>,
  metrics?: MetricBus
): ServiceDefinition {
  return {
    protocol: 'rest',
    signingName: 'sagemaker',
    routes: [
      {
        method: 'POST',
        operation: 'InvokeEndpoint',
        pattern: /^\/endpoints\/(?<EndpointName>[^/]+)\/invocations$/,
        maxBodyBytes: MAX_PAYLOAD_BYTES,
        handle: async (request, match, context) => {
          try {
            return await invokeEndpoint(hosting, match[1]!, request, context, metrics);
          } catch (error) {
            return jsonErrorResponse(error, 'application/json', context.requestId);
          }
        }
      }
    ]
  };
}

async function invokeEndpoint(
  hosting: Pick<LocalHosting, 'store' | 'traffic'>,
  endpointName: string,
  request: WireRequest,
  context: RequestContext,
  metrics: MetricBus | undefined
): Promise<WireResponse> {
  const received = performance.now();
  const endpoint = hosting.store.endpoint(context.region, endpointName);
  const fleet = endpoint && hosting.traffic.fleet(context.region, endpointName);
  if (!endpoint || !fleet) {
    if (endpoint?.EndpointStatus === 'SystemUpdating') {
      throw new AwsServiceError(
        'ServiceUnavailable',
        `Endpoint ${endpointName} is restarting its containers; try again shortly.`,
        503
      );
    }
    throw new AwsServiceError(
      'ValidationError',
      `Endpoint ${endpointName} of account ${context.accountId} not found.`
    );
  }
  const targetVariant = header(request, 'x-amzn-sagemaker-target-variant');
  const target = hosting.traffic.route(fleet, targetVariant);
  if (!target) {
    throw new AwsServiceError(
      'ValidationError',
      targetVariant !== undefined
        ? `The variant(s) "[${targetVariant}]" is/are not in endpoint ${endpoint.EndpointName}.`
        : `Endpoint ${endpoint.EndpointName} has no variant with traffic; name one with TargetVariant.`
    );
  }

  const containers = containersToCall(
    target.instance,
    target.variant.deployment.InvocationMode,
    header(request, 'x-amzn-sagemaker-target-container-hostname'),
    endpoint.EndpointName
  );
  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED_HEADERS) {
    const value = header(request, name);
    if (value !== undefined) headers[name] = value;
  }
  const variantName = target.variant.deployment.VariantName;
  const done = hosting.traffic.begin(fleet);
  const report = invocationMetrics(metrics, context.region, endpoint.EndpointName, variantName, received);
  let calling = containers[0]!.hostname;
  let result;
  try {
    const sent = performance.now();
    result = await invokeInOrder(containers, headers, request.body, (container, forwarded, body) => {
      calling = container.hostname;
      return postInvocation(container.url, forwarded, body, INVOCATION_TIMEOUT_MS);
    });
    // The model's latency covers every container a pipeline calls.
    report.answered(result.answer.status, performance.now() - sent);
  } catch (error) {
    report.unanswered();
    if (error instanceof ContainerTimeout) {
      return modelError(context, endpoint.EndpointName, {
        Message:
          `Your invocation timed out while waiting for a response from container ${calling}. Review the latency ` +
          'metrics for each container in Amazon CloudWatch, resolve the issue, and try again.'
      });
    }
    const which = target.instance.containers.length === 1 ? 'The container' : `The container ${calling}`;
    throw new AwsServiceError(
      'ServiceUnavailable',
      `${which} of production variant ${variantName} did not answer: ${(error as Error).message}`,
      503
    );
  } finally {
    done();
  }

  const { answer, hostname, oversized } = result;
  const seeLogs = `See ${logConsoleUrl(context, endpoint.EndpointName)} in account ${context.accountId} for more information.`;
  if (oversized) {
    return modelError(context, endpoint.EndpointName, {
      Message:
        `Received response from ${oversized.from} with status code ${answer.status}. However, the request ` +
        `payload from ${oversized.from} to ${oversized.to} is ${oversized.bytes} bytes, which has exceeded ` +
        `the maximum limit of 5 MB. ${seeLogs}`
    });
  }
  if (answer.status < 200 || answer.status > 299) {
    const originalMessage = answer.body.toString('utf8');
    const kind = answer.status >= 500 ? 'server' : 'client';
    return modelError(context, endpoint.EndpointName, {
      Message: `Received ${kind} error (${answer.status}) from ${hostname} with message "${originalMessage}". ${seeLogs}`,
      OriginalStatusCode: answer.status,
      OriginalMessage: originalMessage
    });
  }
  const responseHeaders: Record<string, string> = {
    'content-type': answer.headers['content-type'] ?? 'application/octet-stream',
    'x-amzn-invoked-production-variant': variantName,
    'x-amzn-requestid': context.requestId
  };
  const customAttributes = answer.headers['x-amzn-sagemaker-custom-attributes'];
  if (customAttributes !== undefined)
    responseHeaders['x-amzn-sagemaker-custom-attributes'] = customAttributes;
  return { status: 200, headers: responseHeaders, body: answer.body };
}

/** ModelError (424) with the members the SDK's (and botocore's) runtime.sagemaker model gives it. */
function modelError(
  context: RequestContext,
  endpointName: string,
  members: Pick<ModelError, 'Message' | 'OriginalStatusCode' | 'OriginalMessage'>
): WireResponse {
  const body: Pick<ModelError, 'Message' | 'OriginalStatusCode' | 'OriginalMessage' | 'LogStreamArn'> = {
    ...members,
    LogStreamArn: `arn:aws:logs:${context.region}:${context.accountId}:log-group:/aws/sagemaker/Endpoints/${endpointName}`
  };
  return {
    status: 424,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': context.requestId,
      'x-amzn-errortype': 'ModelError'
    },
    body: JSON.stringify(body)
  };
}

function logConsoleUrl(context: RequestContext, endpointName: string): string {
  return (
    `https://${context.region}.console.aws.amazon.com/cloudwatch/home?region=${context.region}` +
    `#logEventViewer:group=/aws/sagemaker/Endpoints/${endpointName}`
  );
}

function header(request: WireRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
