import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { RequestContext, ServiceDefinition, WireRequest, WireResponse } from './wire/types.js';
import { readCredentialScope } from './wire/credential-scope.js';
import { handleJsonRequest, jsonErrorResponse } from './wire/json-protocol.js';
import { handleQueryRequest, queryErrorResponse } from './wire/query-protocol.js';
import { AwsServiceError } from './wire/errors.js';
import { FaultInjector, parseFaultRule } from './wire/faults.js';
import type { StateStore } from './state.js';

export interface LocalEndpointOptions {
  services: ServiceDefinition[];
  state: StateStore;
  accountId: string;
  defaultRegion: string;
  /** Extra facts for the health check (`GET /_modelship/health`), which `modelship local` polls. */
  health?: () => Record<string, unknown>;
  /** Called with one line per answered request (method, path, operation, status, time), for the log. */
  onRequest?: (line: string) => void;
  /** Empties every service's state (`POST /_modelship/reset`, `modelship local reset`). */
  reset?: () => Promise<void>;
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

export class ServiceRouter {
  private readonly byTargetPrefix = new Map<string, Extract<ServiceDefinition, { protocol: 'json' }>>();
  private readonly querySigningNames = new Map<string, Extract<ServiceDefinition, { protocol: 'query' }>>();
  private readonly restServices: Extract<ServiceDefinition, { protocol: 'rest' }>[] = [];
  readonly faults = new FaultInjector();

  constructor(private readonly options: LocalEndpointOptions) {
    for (const service of options.services) {
      if (service.protocol === 'json') this.byTargetPrefix.set(service.targetPrefix, service);
      else if (service.protocol === 'query') this.querySigningNames.set(service.signingName, service);
      else this.restServices.push(service);
    }
  }

  async route(request: WireRequest): Promise<WireResponse> {
    if (request.path.startsWith('/_modelship/')) return this.control(request);
    const scope = readCredentialScope(request.headers, request.query);
    const context: RequestContext = {
      region: scope?.region ?? this.options.defaultRegion,
      accountId: this.options.accountId,
      requestId: randomUUID(),
      accessKeyId: scope?.accessKeyId ?? '',
      state: this.options.state
    };

    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const separator = target.lastIndexOf('.');
      const service = this.byTargetPrefix.get(target.slice(0, separator));
      if (!service) {
        const error = new AwsServiceError('UnknownServiceException', `No local service answers ${target}`);
        return jsonErrorResponse(error, 'application/x-amz-json-1.1', context.requestId);
      }
      const operation = target.slice(separator + 1);
      const fault = this.faults.take(service.signingName, operation);
      if (fault)
        return jsonErrorResponse(fault, `application/x-amz-json-${service.jsonVersion}`, context.requestId);
      return handleJsonRequest(service, operation, request.body, context);
    }

    for (const service of this.restServices) {
      if (scope && scope.service !== service.signingName) continue;
      for (const route of service.routes) {
        const match = route.method === request.method ? route.pattern.exec(request.path) : null;
        if (!match) continue;
        const fault = this.faults.take(service.signingName, '');
        if (fault) return jsonErrorResponse(fault, 'application/json', context.requestId);
        return route.handle(request, match, context);
      }
    }

    const form =
      request.method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : request.query;
    if (form.has('Action')) {
      const service = scope
        ? this.querySigningNames.get(scope.service)
        : [...this.querySigningNames.values()].find(
            (candidate) => form.get('Action')! in candidate.operations
          );
      if (service) {
        const fault = this.faults.take(service.signingName, form.get('Action') as string);
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
