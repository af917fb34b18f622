import type { IncomingHttpHeaders } from 'node:http';
import type { StateStore } from '../state.js';

/** A request as every protocol handler sees it, with the body already read. */
export interface WireRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What routing sees: the request line and headers, before the body is read. */
export type RequestHead = Omit<WireRequest, 'body'>;

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Who is calling, where, and the stack's shared pieces an operation may use. */
export interface RequestContext {
  region: string;
  accountId: string;
  requestId: string;
  accessKeyId: string;
  state: StateStore;
}

// Operation inputs come from the wire untyped; each operation validates what it reads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationInput = Record<string, any>;
export type Operation = (input: OperationInput, context: RequestContext) => unknown;

/** A REST route (REST-JSON services such as SageMaker Runtime): matched on method and path. */
export interface RestRoute {
  method: string;
  /** The operation's name, for IAM's action (`<signingName>:<operation>`); named groups are its input. */
  operation?: string;
  pattern: RegExp;
  /** The largest body the route accepts (AWS's documented limit); the JSON protocol's default otherwise. */
  maxBodyBytes?: number;
  handle: (request: WireRequest, match: RegExpExecArray, context: RequestContext) => Promise<WireResponse>;
}

/**
 * One AWS service of the local stack. `signingName` is the service in the SigV4 credential scope; JSON
 * services are also found by their X-Amz-Target prefix, Query services by the scope alone.
 */
export type ServiceDefinition =
  | {
      protocol: 'json';
      signingName: string;
      targetPrefix: string;
      jsonVersion: '1.0' | '1.1';
      operations: Record<string, Operation>;
      /** Body limits of operations whose inputs AWS lets grow past the JSON protocol's default. */
      bodyLimits?: Record<string, number>;
    }
  | {
      protocol: 'query';
      signingName: string;
      xmlNamespace: string;
      operations: Record<string, Operation>;
    }
  | {
      protocol: 'rest';
      signingName: string;
      routes: RestRoute[];
    };
