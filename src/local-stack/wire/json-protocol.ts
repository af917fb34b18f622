import type { OperationInput, RequestContext, WireResponse } from './types.js';
import { AwsServiceError } from './errors.js';

type JsonService = {
  signingName: string;
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, (input: OperationInput, context: RequestContext) => unknown>;
};

/** AWS JSON 1.0/1.1: POST /, X-Amz-Target: <prefix>.<Operation>, JSON body in and out. */
export async function handleJsonRequest(
  service: JsonService,
  operationName: string,
  body: Buffer,
  context: RequestContext
): Promise<WireResponse> {
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  try {
    const operation = service.operations[operationName];
    if (!operation) {
      throw new AwsServiceError(
        'UnknownOperationException',
        `The local stack does not implement ${service.targetPrefix}.${operationName}`
      );
    }
    const input = parseJsonBody(body);
    const output = await operation(input, context);
    return {
      status: 200,
      headers: { 'content-type': contentType, 'x-amzn-requestid': context.requestId },
      body: JSON.stringify(toJsonWire(output ?? {}))
    };
  } catch (error) {
    return jsonErrorResponse(error, contentType, context.requestId);
  }
}

export function jsonErrorResponse(error: unknown, contentType: string, requestId: string): WireResponse {
  const serviceError =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
  return {
    status: serviceError.status,
    headers: {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': serviceError.code
    },
    body: JSON.stringify({ __type: serviceError.code, message: serviceError.message })
  };
}

function parseJsonBody(body: Buffer): OperationInput {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error('not an object');
    }
    return parsed as OperationInput;
  } catch {
    throw new AwsServiceError('SerializationException', 'The request body is not a JSON object');
  }
}

/** JSON protocols send timestamps as epoch seconds (fractional), which is what SDKs parse back. */
function toJsonWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonWire);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) result[key] = toJsonWire(member);
    }
    return result;
  }
  return value;
}
