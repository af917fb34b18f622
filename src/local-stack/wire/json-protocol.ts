import type { OperationInput, RequestContext, WireResponse } from './types.js';
import { AwsServiceError } from './errors.js';
import { ownMember } from './own.js';

type JsonService = {
  signingName: string;
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, (input: OperationInput, context: RequestContext) => unknown>;
  queryErrors?: Readonly<Record<string, string>>;
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
    const operation = ownMember(service.operations, operationName);
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
    return jsonErrorResponse(error, contentType, context.requestId, service.queryErrors);
  }
}

export function jsonErrorResponse(
  error: unknown,
  contentType: string,
  requestId: string,
  queryErrors?: Readonly<Record<string, string>>
): WireResponse {
  const serviceError =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
  const shape = ownMember(queryErrors, serviceError.code);
  const type = shape ?? serviceError.code;
  return {
    status: serviceError.status,
    headers: {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': type,
      ...(shape !== undefined && { 'x-amzn-query-error': `${serviceError.code};${serviceError.fault}` })
    },
    body: JSON.stringify({ __type: type, message: serviceError.message })
  };
}

/** How deep a request body may nest: AWS inputs nest a dozen levels, operations and state writes recurse. */
const MAX_JSON_DEPTH = 100;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as an operation input: valid UTF-8, a JSON object, nested at most MAX_JSON_DEPTH levels, numbers
 * finite. JSON.parse defines members (never assigns them), so a `__proto__` key is an ordinary member.
 */
function parseJsonBody(body: Buffer): OperationInput {
  if (body.length === 0) return {};
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw serializationError('The request body is not valid UTF-8.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw serializationError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw serializationError('The request body must be a JSON object.');
  }
  checkJsonValue(parsed, 0);
  return parsed as OperationInput;
}

function checkJsonValue(value: unknown, depth: number): void {
  if (depth > MAX_JSON_DEPTH) {
    throw serializationError(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw serializationError('The request body holds a number too large to represent.');
  }
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) checkJsonValue(member, depth + 1);
  }
}

const serializationError = (message: string) => new AwsServiceError('SerializationException', message);

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
