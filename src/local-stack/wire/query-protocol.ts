import type { OperationInput, RequestContext, WireResponse } from './types.js';
import { AwsServiceError } from './errors.js';
import { escapeXml, toXml } from './xml.js';

type QueryService = {
  signingName: string;
  xmlNamespace: string;
  operations: Record<string, (input: OperationInput, context: RequestContext) => unknown>;
};

/** AWS Query: form-encoded Action=<Operation>&Version=...&Params, XML out. */
export async function handleQueryRequest(
  service: QueryService,
  form: URLSearchParams,
  context: RequestContext
): Promise<WireResponse> {
  const action = form.get('Action') ?? '';
  try {
    const operation = service.operations[action];
    if (!operation) {
      throw new AwsServiceError(
        'InvalidAction',
        `The local stack does not implement ${service.signingName} ${action}`
      );
    }
    const output = await operation(parseQueryParameters(form), context);
    const result = toXml(output ?? {}, '    ');
    const body =
      `<${action}Response xmlns="${service.xmlNamespace}">\n` +
      `  <${action}Result>${result}</${action}Result>\n` +
      `  <ResponseMetadata>\n    <RequestId>${context.requestId}</RequestId>\n  </ResponseMetadata>\n` +
      `</${action}Response>\n`;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': context.requestId },
      body
    };
  } catch (error) {
    return queryErrorResponse(error, context.requestId);
  }
}

export function queryErrorResponse(error: unknown, requestId: string): WireResponse {
  const serviceError =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
  const body =
    `<ErrorResponse xmlns="http://webservices.amazon.com/AWSFault/2005-15-09">\n` +
    `  <Error>\n    <Type>${serviceError.fault}</Type>\n    <Code>${escapeXml(serviceError.code)}</Code>\n` +
    `    <Message>${escapeXml(serviceError.message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return {
    status: serviceError.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body
  };
}

/**
 * Turns flattened Query parameters into nested values: `Parameters.member.2.ParameterKey=a` becomes
 * `{ Parameters: [<1>, { ParameterKey: 'a' }] }`, `Tags.entry.1.key` a list of entries. Values stay strings;
 * operations convert the few numeric and boolean members they read.
 */
export function parseQueryParameters(form: URLSearchParams): OperationInput {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    assignPath(root, key.split('.'), value);
  }
  return collapseLists(root) as OperationInput;
}

function assignPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (let index = 0; index < path.length - 1; index += 1) {
    const segment = path[index] as string;
    const next = node[segment];
    if (next === undefined || typeof next !== 'object' || next === null) {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    } else {
      node = next as Record<string, unknown>;
    }
  }
  node[path[path.length - 1] as string] = value;
}

const LIST_MARKERS = new Set(['member', 'entry']);

/** `{ member: { '1': a, '2': b } }` → `[a, b]`, recursively. */
function collapseLists(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && LIST_MARKERS.has(keys[0] as string)) {
    const items = record[keys[0] as string] as Record<string, unknown>;
    return Object.keys(items)
      .sort((a, b) => Number(a) - Number(b))
      .map((index) => collapseLists(items[index]));
  }
  const result: Record<string, unknown> = {};
  for (const key of keys) result[key] = collapseLists(record[key]);
  return result;
}
