/**
 * An error an AWS service returns: the code is the exception shape name from the service model
 * (e.g. RepositoryNotFoundException), which SDKs turn into the error's `name`.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender'
  ) {
    super(message);
    this.name = code;
  }
}

export function validationError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

/** Common wire errors used by every service. */
export const unknownOperation = (service: string, operation: string) =>
  new AwsServiceError(
    'UnknownOperationException',
    `${service} has no operation ${operation} in the local stack`
  );

/** A request body over the call's limit, refused as AWS's front ends refuse it (413, before it is read). */
export const payloadTooLarge = (limit: number) =>
  new AwsServiceError('RequestEntityTooLarge', `HTTP content length exceeded ${limit} bytes.`, 413);
