import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type {
  OperationInput,
  RequestContext,
  ServiceDefinition,
  WireRequest,
  WireResponse
} from './wire/types.js';
import { readCredentialScope } from './wire/credential-scope.js';
import { handleJsonRequest, jsonErrorResponse } from './wire/json-protocol.js';
import { handleQueryRequest, parseQueryParameters, queryErrorResponse } from './wire/query-protocol.js';
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
 * (Query protocol).
 */
export function createLocalEndpoint(options: LocalEndpointOptions): Server {
  const router = new ServiceRouter(options);
  const onRequest = options.onRequest;
  return createServer((incoming, outgoing) => {
    const started = performance.now();
    let request: WireRequest | undefined;
    readBody(incoming)
      .then((body) => router.route((request = toWireRequest(incoming, body))))
      .catch((error: unknown) => jsonErrorResponse(error, 'application/json', randomUUID()))
      .then((response) => {
        writeResponse(outgoing, response);
        if (onRequest && request) {
          const elapsed = (performance.now() - started).toFixed(1);
          onRequest(
            `${request.method} ${request.path} ${describeCall(request)} ${response.status} ${elapsed}ms`
          );
        }
      });
  });
}

/** One account's services, indexed the ways requests name them. */
class RoutingTable {
  readonly byTargetPrefix = new Map<string, Extract<ServiceDefinition, { protocol: 'json' }>>();
  readonly querySigningNames = new Map<string, Extract<ServiceDefinition, { protocol: 'query' }>>();
  readonly restServices: Extract<ServiceDefinition, { protocol: 'rest' }>[] = [];

  constructor(services: readonly ServiceDefinition[]) {
    for (const service of services) {
      if (service.protocol === 'json') this.byTargetPrefix.set(service.targetPrefix, service);
      else if (service.protocol === 'query') this.querySigningNames.set(service.signingName, service);
      else this.restServices.push(service);
    }
  }
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

  async route(request: WireRequest): Promise<WireResponse> {
    if (request.path.startsWith(OIDC_PATH + '/') && this.options.identity) {
      return handleOidcRequest(this.options.identity.issuer, request);
    }
    if (request.path.startsWith('/_modelship/')) return this.control(request);
    const scope = readCredentialScope(request.headers, request.query);
    const requestId = randomUUID();
    const form =
      request.method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : request.query;
    const identity = this.options.identity;
    let caller: Caller = { accountId: this.options.accountId, accessKeyId: scope?.accessKeyId ?? '' };
    let account: AccountServices = { services: this.options.services, state: this.options.state };
    if (identity) {
      const protocol =
        typeof request.headers['x-amz-target'] === 'string' || !form.has('Action') ? 'json' : 'query';
      try {
        caller = identity.resolve(
          { accessKeyId: caller.accessKeyId, sessionToken: securityToken(request) },
          protocol
        );
      } catch (error) {
        return protocol === 'query'
          ? queryErrorResponse(error, requestId)
          : jsonErrorResponse(error, 'application/x-amz-json-1.1', requestId);
      }
      account = await identity.accountOf(caller.accountId);
    }
    const { byTargetPrefix, querySigningNames, restServices } = this.table(account.services);
    const context: RequestContext = {
      region: scope?.region ?? this.options.defaultRegion,
      accountId: caller.accountId,
      requestId,
      accessKeyId: caller.accessKeyId,
      state: account.state
    };
    const denied = (
      service: string,
      operation: string,
      input: () => OperationInput,
      protocol: ErrorProtocol
    ) =>
      identity?.authorize?.({ caller, service, operation, input: input(), region: context.region, protocol });

    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const separator = target.lastIndexOf('.');
      const service = byTargetPrefix.get(target.slice(0, separator));
      if (!service) {
        const error = new AwsServiceError('UnknownServiceException', `No local service answers ${target}`);
        return jsonErrorResponse(error, 'application/x-amz-json-1.1', context.requestId);
      }
      const operation = target.slice(separator + 1);
      const contentType = `application/x-amz-json-${service.jsonVersion}`;
      const refusal = denied(service.signingName, operation, () => jsonInput(request.body), 'json');
      if (refusal) return jsonErrorResponse(refusal, contentType, context.requestId);
      const fault = this.faults.take(service.signingName, operation);
      if (fault) return jsonErrorResponse(fault, contentType, context.requestId);
      return handleJsonRequest(service, operation, request.body, context);
    }

    for (const service of restServices) {
      if (scope && scope.service !== service.signingName) continue;
      for (const route of service.routes) {
        const match = route.method === request.method ? route.pattern.exec(request.path) : null;
        if (!match) continue;
        if (route.operation) {
          const refusal = denied(service.signingName, route.operation, () => ({ ...match.groups }), 'json');
          if (refusal) return jsonErrorResponse(refusal, 'application/json', context.requestId);
        }
        const fault = this.faults.take(service.signingName, '');
        if (fault) return jsonErrorResponse(fault, 'application/json', context.requestId);
        return route.handle(request, match, context);
      }
    }

    if (form.has('Action')) {
      const service = scope
        ? querySigningNames.get(scope.service)
        : [...querySigningNames.values()].find((candidate) => form.get('Action')! in candidate.operations);
      if (service) {
        const action = form.get('Action') as string;
        const refusal = denied(service.signingName, action, () => parseQueryParameters(form), 'query');
        if (refusal) return queryErrorResponse(refusal, context.requestId);
        const fault = this.faults.take(service.signingName, action);
        if (fault) return queryErrorResponse(fault, context.requestId);
        return handleQueryRequest(service, form, context);
      }
    }
    const error = new AwsServiceError(
      'UnknownOperationException',
      `The local stack has no handler for ${request.method} ${request.path}`,
      404
    );
    return queryErrorResponse(error, context.requestId);
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

/** The session token of temporary credentials: a header, or a presigned URL's parameter. */
function securityToken(request: WireRequest): string | undefined {
  const header = request.headers['x-amz-security-token'];
  return typeof header === 'string' ? header : (request.query.get('X-Amz-Security-Token') ?? undefined);
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

function toWireRequest(incoming: IncomingMessage, body: Buffer): WireRequest {
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  return {
    method: incoming.method ?? 'GET',
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: incoming.headers,
    body
  };
}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

function writeResponse(outgoing: ServerResponse, response: WireResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  outgoing.end(body);
}
