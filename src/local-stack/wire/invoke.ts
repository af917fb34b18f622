import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './errors.js';
import { ownMember } from './own.js';
import type { OperationInput, RequestContext, ServiceDefinition } from './types.js';

/** Who makes an in-process call: the same fields a wire request carries, minus its request id. */
export type CallerContext = Omit<RequestContext, 'requestId'>;

// Outputs are whatever the operation returned; callers read the members they need, as an SDK user would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationOutput = Record<string, any>;

/**
 * Calls one local service's operation in-process, the way CloudFormation's resource handlers call other
 * AWS services: `invoke('SageMaker', 'CreateModel', input, caller)`. `service` is a JSON service's
 * X-Amz-Target prefix or any service's SigV4 signing name.
 */
export type Invoker = (
  service: string,
  operation: string,
  input: OperationInput,
  caller: CallerContext
) => Promise<OperationOutput>;

/**
 * Builds an invoker over the stack's service list. The list is read at call time, so services that are
 * registered after the invoker was made (including the caller itself) are found.
 *
 * The input is copied through JSON, as the wire would deliver it, so an operation can neither see the
 * caller's objects nor keep references into them; the output is copied too, so the caller cannot change
 * the service's state. Errors the operation throws stay `AwsServiceError`s (code, message, status), and
 * anything else becomes an `InternalFailure`, as the wire would report it.
 */
export function createInvoker(services: readonly ServiceDefinition[]): Invoker {
  return async (serviceName, operationName, input, caller) => {
    const service = services.find(
      (candidate) =>
        candidate.signingName === serviceName ||
        (candidate.protocol === 'json' && candidate.targetPrefix === serviceName)
    );
    if (!service) {
      throw new AwsServiceError('UnknownServiceException', `The local stack has no service ${serviceName}`);
    }
    if (service.protocol === 'rest' || service.protocol === 'rest-xml') {
      throw new AwsServiceError(
        'UnknownOperationException',
        `${serviceName} is a REST service; the local stack cannot call ${operationName} in-process`
      );
    }
    const operation = ownMember(service.operations, operationName);
    if (!operation) {
      throw new AwsServiceError(
        'UnknownOperationException',
        `The local stack does not implement ${serviceName} ${operationName}`
      );
    }
    const context: RequestContext = { ...caller, requestId: randomUUID() };
    try {
      const output = await operation(JSON.parse(JSON.stringify(input)) as OperationInput, context);
      return output === undefined || output === null ? {} : structuredClone(output);
    } catch (error) {
      if (error instanceof AwsServiceError) throw error;
      throw new AwsServiceError(
        'InternalFailure',
        error instanceof Error ? error.message : String(error),
        500
      );
    }
  };
}
