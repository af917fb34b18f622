import type { OperationInput, RequestContext, WireResponse } from './types.js';
import { AwsServiceError } from './errors.js';
import { ownMember } from './own.js';
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
    const operation = ownMember(service.operations, action);
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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A form-encoded body as parameters; bytes that are not UTF-8 are refused, not replaced. */
export function parseForm(body: Buffer): URLSearchParams {
  try {
    return new URLSearchParams(strictUtf8.decode(body));
  } catch {
    throw malformedQuery('The request body is not valid UTF-8.');
  }
}

/** AWS Query inputs nest a handful of levels (`Parameters.member.1.ParameterKey`); the parser recurses. */
const MAX_PARAMETER_SEGMENTS = 20;

type ParameterTree = Map<string, ParameterTree | string>;

/**
 * Turns flattened Query parameters into nested values: `Parameters.member.2.ParameterKey=a` becomes
 * `{ Parameters: [<1>, { ParameterKey: 'a' }] }`, `Tags.entry.1.key` a list of entries. Values stay strings;
 * operations convert the few numeric and boolean members they read. The names are the caller's, so they are
 * collected in Maps and become members by definition (Object.fromEntries), never by assignment: a name such
 * as `__proto__.maxResults` is then an ordinary (ignored) member, not a write to Object.prototype.
 */
export function parseQueryParameters(form: URLSearchParams): OperationInput {
  const root: ParameterTree = new Map();
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    if (path.length > MAX_PARAMETER_SEGMENTS) {
      throw malformedQuery(
        `Parameter ${key.slice(0, 200)} has more than ${MAX_PARAMETER_SEGMENTS} dot-separated parts.`
      );
    }
    assignPath(root, path, value);
  }
  return toInput(root) as OperationInput;
}

function assignPath(root: ParameterTree, path: string[], value: string): void {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    let next = node.get(segment);
    if (!(next instanceof Map)) {
      next = new Map();
      node.set(segment, next);
    }
    node = next;
  }
  node.set(path[path.length - 1] as string, value);
}

const LIST_MARKERS = new Set(['member', 'entry']);

/** `{ member: { '1': a, '2': b } }` → `[a, b]`, recursively; other trees become plain objects. */
function toInput(node: ParameterTree | string): unknown {
  if (typeof node === 'string') return node;
  const [marker] = node.keys();
  const items =
    node.size === 1 && marker !== undefined && LIST_MARKERS.has(marker) ? node.get(marker) : undefined;
  if (items instanceof Map) {
    return [...items].sort(([a], [b]) => Number(a) - Number(b)).map(([, item]) => toInput(item));
  }
  return Object.fromEntries([...node].map(([name, member]) => [name, toInput(member)]));
}

/** AWS's common error for a Query request it cannot parse (documented with status 404). */
const malformedQuery = (message: string) => new AwsServiceError('MalformedQueryString', message, 404);
