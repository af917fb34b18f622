import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './errors.js';
import { ownMember } from './own.js';
import type { OperationInput, RequestContext, ServiceDefinition, WireOutput } from './types.js';

/** Who makes an in-process call: the same fields a wire request carries, minus its request id. */
export type CallerContext = Omit<RequestContext, 'requestId'>;

/** An operation's answer when the caller names no SDK output type: members it must check before use. */
export type OperationOutput = Readonly<Record<string, unknown>>;

/**
 * Calls one local service's operation in-process, the way CloudFormation's resource handlers call other
 * AWS services: `invoke('SageMaker', 'CreateModel', input, caller)`. `service` is a JSON service's
 * X-Amz-Target prefix or any service's SigV4 signing name.
 */
export type Invoker = <Out extends object = OperationOutput>(
  service: string,
  operation: string,
  input: OperationInput,
  caller: CallerContext
) => Promise<WireOutput<Out>>;

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
  return async <Out extends object>(
    serviceName: string,
    operationName: string,
    input: OperationInput,
    caller: CallerContext
  ): Promise<WireOutput<Out>> => {
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
      // The operation was defined against the SDK's types (defineOperations), so its answer is `Out`.
      return (output === undefined || output === null ? {} : structuredClone(output)) as WireOutput<Out>;
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
