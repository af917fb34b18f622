import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pipeline, Readable, type Duplex } from 'node:stream';
import type {
  OperationInput,
  RequestContext,
  RequestHead,
  ServiceDefinition,
  StreamedRequest,
  WireRequest,
  WireResponse
} from './wire/types.js';
import { readCredentialScope } from './wire/credential-scope.js';
import { handleJsonRequest, jsonErrorResponse } from './wire/json-protocol.js';
import {
  handleQueryRequest,
  parseForm,
  parseQueryParameters,
  queryErrorResponse
} from './wire/query-protocol.js';
import { ownMember } from './wire/own.js';
import { BODY_LIMITS, readBody, streamBody } from './wire/request-body.js';
import { AwsServiceError } from './wire/errors.js';
import { FaultInjector, parseFaultRule } from './wire/faults.js';
import type { StateStore } from './state.js';
import type { Caller, ErrorProtocol } from './identity/caller.js';
import type { AuthorizationRequest } from './identity/authorize.js';
import type { LocalOidcIssuer } from './oidc/issuer.js';
import { handleOidcRequest, OIDC_PATH } from './oidc/routes.js';

export interface LocalEndpointOptions {
  services: readonly ServiceDefinition[];
  state: StateStore;
  accountId: string;
  defaultRegion: string;
  /** Extra facts for the health check (`GET /_modelship/health`), which `modelship local` polls. */
  health?: () => Record<string, unknown>;
  /** Called with one line per answered request (method, path, operation, status, time), for the log. */
  onRequest?: (line: string) => void;
  /** Empties every service's state (`POST /_modelship/reset`, `modelship local reset`). */
  reset?: () => Promise<void>;
  /** Accounts and identities; without it every request acts in `accountId` with `services`. */
  identity?: EndpointIdentity;
}

/** One account of the stack: its services and the state its operations read (`RequestContext.state`). */
export interface AccountServices {
  services: readonly ServiceDefinition[];
  state: StateStore;
}

/** How the endpoint tells callers and accounts apart, and (with --enforce-iam) what they may do. */
export interface EndpointIdentity {
  /** The caller a request's credentials stand for; throws AWS's error for expired or unknown sessions. */
  resolve(
    credentials: { accessKeyId: string; sessionToken: string | undefined },
    protocol: ErrorProtocol
  ): Caller;
  /** The account's services and state, built the first time the account is used. */
  accountOf(accountId: string): Promise<AccountServices>;
  /** AWS's AccessDenied for a call the caller's policies do not allow; absent unless enforcing. */
  authorize?(request: AuthorizationRequest): AwsServiceError | undefined;
  /** The local OpenID Connect issuer, served under /_modelship/oidc/. */
  issuer: LocalOidcIssuer;
}

/** The stack's own control routes; no AWS API uses paths starting with an underscore. */
export const HEALTH_PATH = '/_modelship/health';
export const FAULTS_PATH = '/_modelship/faults';
export const RESET_PATH = '/_modelship/reset';

/**
 * The one HTTP endpoint of the local stack. A request is routed the way AWS's front ends tell services
 * apart: the X-Amz-Target prefix (JSON protocols), a REST route, or the SigV4 scope's service name
 * (Query protocol). The route is chosen from the request line and headers alone, so a body over the
 * call's limit is refused before it is read.
 */
export function createLocalEndpoint(options: LocalEndpointOptions): Server {
  const router = new ServiceRouter(options);
  const onRequest = options.onRequest;
  const serve = (incoming: IncomingMessage, outgoing: ServerResponse, expectsContinue = false) => {
    const started = performance.now();
    let head: RequestHead | undefined;
    let request: WireRequest | undefined;
    let continued = false;
    const answer = async (): Promise<WireResponse> => {
      head = readRequestHead(incoming);
      const call = router.dispatch(head);
      const beforeReading = () => {
        if (expectsContinue) outgoing.writeContinue();
        continued = true;
      };
      if (call.stream) {
        request = { ...head, body: Buffer.alloc(0) };
        const response = await call.stream(incoming, beforeReading);
        // As for a refused body below: the client waiting for 100 Continue never sends it.
        if (expectsContinue && !continued) outgoing.shouldKeepAlive = false;
        return response;
      }
      const body = await readBody(incoming, call.maxBodyBytes, beforeReading);
      return call.answer((request = { ...head, body }));
    };
    answer()
      .catch((error: unknown) => {
        // A client waiting for 100 Continue never sends a refused body, so the connection cannot be reused.
        if (expectsContinue && !continued) outgoing.shouldKeepAlive = false;
        return errorResponseFor(incoming, error);
      })
      .then((response) => {
        writeResponse(outgoing, response);
        if (onRequest) {
          const elapsed = (performance.now() - started).toFixed(1);
          const call = request ? describeCall(request) : '-';
          const path = head?.path ?? '(unreadable URI)';
          const line = `${incoming.method} ${path} ${call} ${response.status} ${elapsed}ms`;
          // Paths and actions are the caller's text: control characters must not forge log lines.
          onRequest(line.replace(/\p{Cc}/gu, '?'));
        }
      })
      .catch(() => outgoing.destroy());
  };
  const server = createServer(serve);
  server.on('checkContinue', (incoming: IncomingMessage, outgoing: ServerResponse) =>
    serve(incoming, outgoing, true)
  );
  server.on('clientError', refuseMalformedHttp);
  return server;
}

/** What a request needs answered once its body is read, and how much body it may send. */
export interface Dispatch {
  /** AWS's limit for the operation or route, or the protocol's default. */
  maxBodyBytes: number;
  answer(request: WireRequest): Promise<WireResponse>;
  /** Set for services that read the body as it arrives (S3); `answer` and `maxBodyBytes` are then unused. */
  stream?: (incoming: IncomingMessage, beforeReading: () => void) => Promise<WireResponse>;
}

/** One account's services, indexed the ways requests name them. */
class RoutingTable {
  readonly byTargetPrefix = new Map<string, Extract<ServiceDefinition, { protocol: 'json' }>>();
  readonly querySigningNames = new Map<string, Extract<ServiceDefinition, { protocol: 'query' }>>();
  readonly restServices: Extract<ServiceDefinition, { protocol: 'rest' }>[] = [];
  readonly streamedServices: Extract<ServiceDefinition, { protocol: 'rest-xml' }>[] = [];

  constructor(services: readonly ServiceDefinition[]) {
    for (const service of services) {
      if (service.protocol === 'json') this.byTargetPrefix.set(service.targetPrefix, service);
      else if (service.protocol === 'query') this.querySigningNames.set(service.signingName, service);
      else if (service.protocol === 'rest') this.restServices.push(service);
      else this.streamedServices.push(service);
    }
  }
}

/** Who a request's credentials stand for, and the services and state of the account it acts in. */
interface CallerAccount {
  caller: Caller;
  account: AccountServices;
}

export class ServiceRouter {
  private readonly tables = new WeakMap<readonly ServiceDefinition[], RoutingTable>();
  readonly faults = new FaultInjector();

  constructor(private readonly options: LocalEndpointOptions) {}

  private table(services: readonly ServiceDefinition[]): RoutingTable {
    let table = this.tables.get(services);
    if (!table) this.tables.set(services, (table = new RoutingTable(services)));
    return table;
  }

  /**
   * Routes a request by its request line and headers; the body is read afterwards, up to the limit. Every
   * account has the same service definitions, so the default account's tell the body limit; the caller's
   * account is resolved once the body is in.
   */
  dispatch(head: RequestHead): Dispatch {
    const identity = this.options.identity;
    if (identity && head.path.startsWith(OIDC_PATH + '/')) {
      return {
        maxBodyBytes: BODY_LIMITS.control,
        answer: (request) => Promise.resolve(handleOidcRequest(identity.issuer, request))
      };
    }
    if (head.path.startsWith('/_modelship/')) {
      return { maxBodyBytes: BODY_LIMITS.control, answer: async (request) => this.control(request) };
    }
    const scope = readCredentialScope(head.headers, head.query);
    const call: CallFacts = {
      head,
      requestId: randomUUID(),
      region: scope?.region ?? this.options.defaultRegion,
      accessKeyId: scope?.accessKeyId ?? '',
      signingName: scope?.service
    };
    const defaults = this.table(this.options.services);

    const target = head.headers['x-amz-target'];
    if (typeof target === 'string') return this.dispatchJson(target, call, defaults);

    for (const service of defaults.restServices) {
      if (scope && scope.service !== service.signingName) continue;
      for (const [index, route] of service.routes.entries()) {
        const match = route.method === head.method ? route.pattern.exec(head.path) : null;
        if (!match) continue;
        return {
          maxBodyBytes: route.maxBodyBytes ?? BODY_LIMITS.json,
          answer: async (request) => {
            try {
              const { caller, account } = await this.callerAccount(call, 'json');
              const context = this.contextOf(call, caller, account);
              const own = this.table(account.services).restServices.find(
                (candidate) => candidate.signingName === service.signingName
              );
              const accountRoute = own?.routes[index] ?? route;
              if (accountRoute.operation) {
                const input = () => ({ ...match.groups });
                const refusal = this.denied(
                  caller,
                  service.signingName,
                  accountRoute.operation,
                  input,
                  call,
                  'json'
                );
                if (refusal) return jsonErrorResponse(refusal, 'application/json', call.requestId);
              }
              const fault = this.faults.take(service.signingName, '');
              if (fault) return jsonErrorResponse(fault, 'application/json', call.requestId);
              return await accountRoute.handle(request, match, context);
            } catch (error) {
              return jsonErrorResponse(error, 'application/json', call.requestId);
            }
          }
        };
      }
    }

    for (const service of defaults.streamedServices) {
      if (scope ? scope.service === service.signingName : service.claims(head))
        return this.dispatchStreamed(service, call);
    }

    return {
      maxBodyBytes: BODY_LIMITS.query,
      answer: async (request) => {
        try {
          return await this.answerQuery(request, call);
        } catch (error) {
          return queryErrorResponse(error, call.requestId);
        }
      }
    };
  }

  private dispatchJson(target: string, call: CallFacts, defaults: RoutingTable): Dispatch {
    const separator = target.lastIndexOf('.');
    const prefix = target.slice(0, separator);
    const service = defaults.byTargetPrefix.get(prefix);
    const operation = target.slice(separator + 1);
    if (!service) {
      const error = new AwsServiceError('UnknownServiceException', `No local service answers ${target}`);
      return {
        maxBodyBytes: BODY_LIMITS.json,
        answer: () => Promise.resolve(jsonErrorResponse(error, 'application/x-amz-json-1.1', call.requestId))
      };
    }
    const contentType = `application/x-amz-json-${service.jsonVersion}`;
    return {
      maxBodyBytes: ownMember(service.bodyLimits, operation) ?? BODY_LIMITS.json,
      answer: async (request) => {
        try {
          const { caller, account } = await this.callerAccount(call, 'json');
          const own = this.table(account.services).byTargetPrefix.get(prefix) ?? service;
          const input = () => jsonInput(request.body);
          const refusal = this.denied(caller, own.signingName, operation, input, call, 'json');
          if (refusal) return jsonErrorResponse(refusal, contentType, call.requestId);
          const fault = this.faults.take(own.signingName, operation);
          if (fault) return jsonErrorResponse(fault, contentType, call.requestId);
          return await handleJsonRequest(own, operation, request.body, this.contextOf(call, caller, account));
        } catch (error) {
          return jsonErrorResponse(error, contentType, call.requestId);
        }
      }
    };
  }

  /** A streamed service's call (S3): routed, authorized and answered with its body read as it arrives. */
  private dispatchStreamed(
    service: Extract<ServiceDefinition, { protocol: 'rest-xml' }>,
    call: CallFacts
  ): Dispatch {
    const refuse = (error: unknown) => service.errorResponse(error, call.head, call.requestId);
    return {
      maxBodyBytes: 0,
      answer: () => Promise.reject(new Error(`${service.signingName} reads its bodies as streams`)),
      stream: async (incoming, beforeReading) => {
        let body: Readable | undefined;
        try {
          const { caller, account } = await this.callerAccount(call, 'query');
          const own =
            this.table(account.services).streamedServices.find(
              (candidate) => candidate.signingName === service.signingName
            ) ?? service;
          const route = own.route(call.head);
          const refusal = this.denied(
            caller,
            own.signingName,
            route.operation,
            () => route.input,
            call,
            'query'
          );
          if (refusal) return refuse(refusal);
          const fault = this.faults.take(own.signingName, route.operation);
          if (fault) return refuse(fault);
          body = streamBody(incoming, route.maxBodyBytes, beforeReading);
          const request: StreamedRequest = { ...call.head, body };
          return await route.handle(request, this.contextOf(call, caller, account));
        } catch (error) {
          // Whatever the client still sends is discarded, so the connection can carry the answer.
          body?.resume();
          return refuse(error);
        }
      }
    };
  }

  /** A Query call (Action in the form body or the query string), found by its signing name or its Action. */
  private async answerQuery(request: WireRequest, call: CallFacts): Promise<WireResponse> {
    const form = request.method === 'POST' ? parseForm(request.body) : request.query;
    const action = form.get('Action');
    if (action !== null) {
      const { caller, account } = await this.callerAccount(call, 'query');
      const { querySigningNames } = this.table(account.services);
      const service =
        call.signingName !== undefined
          ? querySigningNames.get(call.signingName)
          : [...querySigningNames.values()].find(
              (candidate) => ownMember(candidate.operations, action) !== undefined
            );
      if (service) {
        const input = () => parseQueryParameters(form);
        const refusal = this.denied(caller, service.signingName, action, input, call, 'query');
        if (refusal) return queryErrorResponse(refusal, call.requestId);
        const fault = this.faults.take(service.signingName, action);
        if (fault) return queryErrorResponse(fault, call.requestId);
        return handleQueryRequest(service, form, this.contextOf(call, caller, account));
      }
    }
    throw new AwsServiceError(
      'UnknownOperationException',
      `The local stack has no handler for ${request.method} ${request.path}`,
      404
    );
  }

  /** The caller the credentials stand for (AWS's error for expired or unknown sessions) and its account. */
  private async callerAccount(call: CallFacts, protocol: ErrorProtocol): Promise<CallerAccount> {
    const identity = this.options.identity;
    const signedAs = { accountId: this.options.accountId, accessKeyId: call.accessKeyId };
    if (!identity) {
      return { caller: signedAs, account: { services: this.options.services, state: this.options.state } };
    }
    const caller = identity.resolve(
      { accessKeyId: call.accessKeyId, sessionToken: securityToken(call.head) },
      protocol
    );
    return { caller, account: await identity.accountOf(caller.accountId) };
  }

  private contextOf(call: CallFacts, caller: Caller, account: AccountServices): RequestContext {
    return {
      region: call.region,
      accountId: caller.accountId,
      requestId: call.requestId,
      accessKeyId: caller.accessKeyId,
      state: account.state
    };
  }

  /** AWS's AccessDenied when --enforce-iam is on and the caller's policies do not allow the call. */
  private denied(
    caller: Caller,
    service: string,
    operation: string,
    input: () => OperationInput,
    call: CallFacts,
    protocol: ErrorProtocol
  ): AwsServiceError | undefined {
    return this.options.identity?.authorize?.({
      caller,
      service,
      operation,
      input: input(),
      region: call.region,
      protocol
    });
  }

  /**
   * `GET /_modelship/health`: whether the stack answers, and its parts. `POST /_modelship/faults` with a
   * FaultRule (JSON) makes the next matching calls fail; `DELETE /_modelship/faults` removes all rules.
   * `POST /_modelship/reset` empties every service's state and answers once done.
   */
  private async control(request: WireRequest): Promise<WireResponse> {
    const json = (status: number, body: object): WireResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });
    if (request.method === 'GET' && request.path === HEALTH_PATH) {
      return json(200, { status: 'ready', pid: process.pid, ...this.options.health?.() });
    }
    if (request.path === FAULTS_PATH && request.method === 'POST') {
      try {
        const rule = parseFaultRule(JSON.parse(request.body.toString('utf8')));
        this.faults.add(rule);
        return json(201, rule);
      } catch (error) {
        return json(400, { message: `Fault rule: ${(error as Error).message}` });
      }
    }
    if (request.path === FAULTS_PATH && request.method === 'DELETE') {
      this.faults.clear();
      return json(200, {});
    }
    if (request.path === RESET_PATH && request.method === 'POST' && this.options.reset) {
      await this.options.reset();
      this.faults.clear();
      return json(200, { status: 'reset' });
    }
    return json(404, { message: `No control route ${request.method} ${request.path}` });
  }
}

/** What the request line and headers say about a call, before its body is read. */
interface CallFacts {
  head: RequestHead;
  requestId: string;
  region: string;
  accessKeyId: string;
  /** The service the signature's credential scope names, if signed. */
  signingName: string | undefined;
}

/** The session token of temporary credentials: a header, or a presigned URL's parameter. */
function securityToken(head: RequestHead): string | undefined {
  const header = head.headers['x-amz-security-token'];
  return typeof header === 'string' ? header : (head.query.get('X-Amz-Security-Token') ?? undefined);
}

/** A JSON request's input for authorization; a body that is not JSON authorizes against `*`. */
function jsonInput(body: Buffer): OperationInput {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    return parsed !== null && typeof parsed === 'object' ? (parsed as OperationInput) : {};
  } catch {
    return {};
  }
}

/** The operation a request names, for the log: its X-Amz-Target, Query Action, or nothing (REST). */
function describeCall(request: WireRequest): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target;
  const action =
    request.query.get('Action') ??
    (String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(request.body.toString('utf8')).get('Action')
      : null);
  return action ? `Action=${action}` : '-';
}

/** Starts listening on 127.0.0.1 (port 0 picks a free one) and resolves with the bound port. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function readRequestHead(incoming: IncomingMessage): RequestHead {
  try {
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    return { method: incoming.method ?? 'GET', path, query: url.searchParams, headers: incoming.headers };
  } catch {
    throw new AwsServiceError(
      'InvalidURI',
      "Couldn't parse the specified URI: its path is not percent-encoded UTF-8."
    );
  }
}

/**
 * An error found before a service answers (unreadable URI, body over the limit), shaped as the request's
 * protocol expects: JSON for X-Amz-Target and REST calls, XML for Query calls.
 */
function errorResponseFor(incoming: IncomingMessage, error: unknown): WireResponse {
  const requestId = randomUUID();
  if (typeof incoming.headers['x-amz-target'] === 'string') {
    return jsonErrorResponse(error, 'application/x-amz-json-1.1', requestId);
  }
  const form = String(incoming.headers['content-type']).startsWith('application/x-www-form-urlencoded');
  if (form || /[?&]Action=/.test(incoming.url ?? '')) return queryErrorResponse(error, requestId);
  return jsonErrorResponse(error, 'application/json', requestId);
}

/** Bytes that are not HTTP at all get an AWS-shaped 400 (Node's default answer has no body) and a close. */
function refuseMalformedHttp(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    __type: 'BadRequest',
    message: `The request is not well-formed HTTP (${error.code ?? error.message}).`
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

function writeResponse(outgoing: ServerResponse, response: WireResponse): void {
  if (response.body instanceof Readable) {
    outgoing.writeHead(response.status, response.headers);
    return void pipeline(response.body, outgoing, () => undefined);
  }
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  outgoing.end(body);
}
