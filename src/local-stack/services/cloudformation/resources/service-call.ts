import { AwsServiceError } from '../../../wire/errors.js';
import type { Invoker, OperationOutput } from '../../../wire/invoke.js';
import type { OperationInput, WireOutput } from '../../../wire/types.js';
import { ResourceFailure, type ResourceRequest } from './types.js';

/**
 * Calls another local service for a resource handler. A service error fails the resource with the
 * service's own message, worded as CloudFormation's handlers report it. `Out` is the operation's SDK output type.
 */
export async function callService<Out extends object = OperationOutput>(
  invoke: Invoker,
  request: ResourceRequest,
  service: string,
  operation: string,
  input: OperationInput
): Promise<WireOutput<Out>> {
  try {
    return await invoke<Out>(service, operation, input, request.caller);
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    throw new ResourceFailure(
      `Resource handler returned message: "${error.message} (Service: ${service}, Status Code: ${error.status}, ` +
        `Error Code: ${error.code})" (HandlerErrorCode: ${handlerErrorCode(error)})`
    );
  }
}

/** Whether a handler's delete or read found nothing: the resource is already gone. */
export function isNotFound(error: unknown): boolean {
  return (
    (error instanceof AwsServiceError || error instanceof ResourceFailure) &&
    /could not find|does not exist|not found/i.test(error.message)
  );
}

function handlerErrorCode(error: AwsServiceError): string {
  if (isNotFound(error)) return 'NotFound';
  if (/already exist/i.test(error.message)) return 'AlreadyExists';
  if (error.code === 'ResourceLimitExceeded') return 'ServiceLimitExceeded';
  if (error.code === 'ResourceInUse') return 'ResourceConflict';
  if (error.code === 'ThrottlingException') return 'Throttling';
  return error.status >= 500 ? 'ServiceInternalError' : 'InvalidRequest';
}

/** Waits `ms`, or rejects as soon as the stack's timeout aborts the signal. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ResourceFailure(String(signal.reason)));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ResourceFailure(String(signal.reason)));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
