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

/** An operation's input as a protocol parses it off the wire: nothing about it is checked yet. */
export type OperationInput = Readonly<Record<string, unknown>>;
/** An operation as the protocols call it, whatever its shapes. */
export type Operation = (input: OperationInput, context: RequestContext) => unknown;
/** A service's operations by name, without a prototype, so only operations are found by name. */
export type OperationTable = Readonly<Record<string, Operation>>;

/**
 * The input of an operation whose SDK input type is `In`: the SDK's member names, so a misspelt member
 * does not compile, but every value still unchecked, as the wire delivered it. An operation validates
 * the members it reads (each service's validation helpers) and works on the SDK's types from there.
 */
export type WireInput<In> = { readonly [Member in keyof In]?: unknown };

/** The members of a nested structure of a wire input; a value that is not an object has none. */
export function wireMembers<In>(value: unknown): WireInput<In> {
  return value !== null && typeof value === 'object' ? value : {};
}

/**
 * The input as its SDK type, for the members AWS stores and returns as given: the operation has checked
 * the members it reads itself, and passes the others through unexamined, as AWS does.
 */
export function asGiven<In>(input: WireInput<In>): In {
  return input as In;
}

/** A wire value as text, for messages and lookups: a string as given, anything else as JSON. */
export function wireText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** The SDK's input and output types of each operation of a service, by operation name. */
export type OperationShapes = Record<string, [input: object, output: object]>;

/** What an operation answers: its SDK output type, without the response metadata the SDK adds. */
export type WireOutput<Out> = Omit<Out, '$metadata'>;

/** Operations typed by the SDK: each takes its wire input and returns its SDK output. */
export type TypedOperations<Shapes extends OperationShapes> = {
  [Name in keyof Shapes]: (
    input: WireInput<Shapes[Name][0]>,
    context: RequestContext
  ) => WireOutput<Shapes[Name][1]> | Promise<WireOutput<Shapes[Name][1]>>;
};

/**
 * Declares a set of operations against the SDK's types (`defineOperations<{ CreateRepository:
 * [CreateRepositoryCommandInput, CreateRepositoryCommandOutput] }>({ CreateRepository: ... })`) and
 * returns them as a table the protocols dispatch from.
 */
export function defineOperations<Shapes extends OperationShapes>(
  operations: TypedOperations<Shapes>
): OperationTable {
  return combineOperations(operations);
}

/** One table from several sets of operations; an operation defined twice is a programming error. */
export function combineOperations(...sets: OperationTable[]): OperationTable {
  const table = Object.create(null) as Record<string, Operation>;
  for (const set of sets) {
    for (const [name, operation] of Object.entries(set)) {
      if (Object.hasOwn(table, name)) throw new Error(`The operation ${name} is defined twice`);
      table[name] = operation;
    }
  }
  return table;
}

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
      operations: OperationTable;
      /** Body limits of operations whose inputs AWS lets grow past the JSON protocol's default. */
      bodyLimits?: Record<string, number>;
      /**
       * Services that moved from Query to JSON (`awsQueryCompatible` in their model): each Query error code
       * the operations throw, with the model's error shape it is sent as. SDKs read the code back from
       * the `x-amzn-query-error` header, so callers see the codes the Query API always had.
       */
      queryErrors?: Readonly<Record<string, string>>;
    }
  | {
      protocol: 'query';
      signingName: string;
      xmlNamespace: string;
      operations: OperationTable;
    }
  | {
      protocol: 'rest';
      signingName: string;
      routes: RestRoute[];
    };
