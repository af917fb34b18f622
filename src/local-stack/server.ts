import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type {
  RequestContext,
  RequestHead,
  ServiceDefinition,
  WireRequest,
  WireResponse
} from './wire/types.js';
import { readCredentialScope } from './wire/credential-scope.js';
import { handleJsonRequest, jsonErrorResponse } from './wire/json-protocol.js';
import { handleQueryRequest, parseForm, queryErrorResponse } from './wire/query-protocol.js';
import { ownMember } from './wire/own.js';
import { BODY_LIMITS, readBody } from './wire/request-body.js';
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
      const body = await readBody(incoming, call.maxBodyBytes, () => {
        if (expectsContinue) outgoing.writeContinue();
        continued = true;
      });
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

  /** Routes a request by its request line and headers; the body is read afterwards, up to the limit. */
  dispatch(head: RequestHead): Dispatch {
    if (head.path.startsWith('/_modelship/')) {
      return { maxBodyBytes: BODY_LIMITS.control, answer: async (request) => this.control(request) };
    }
    const scope = readCredentialScope(head.headers, head.query);
    const context: RequestContext = {
      region: scope?.region ?? this.options.defaultRegion,
      accountId: this.options.accountId,
      requestId: randomUUID(),
      accessKeyId: scope?.accessKeyId ?? '',
      state: this.options.state
    };

    const target = head.headers['x-amz-target'];
    if (typeof target === 'string') return this.dispatchJson(target, context);

    for (const service of this.restServices) {
      if (scope && scope.service !== service.signingName) continue;
      for (const route of service.routes) {
        const match = route.method === head.method ? route.pattern.exec(head.path) : null;
        if (!match) continue;
        return {
          maxBodyBytes: route.maxBodyBytes ?? BODY_LIMITS.json,
          answer: async (request) => {
            const fault = this.faults.take(service.signingName, '');
            if (fault) return jsonErrorResponse(fault, 'application/json', context.requestId);
            return route.handle(request, match, context);
          }
        };
      }
    }

    return {
      maxBodyBytes: BODY_LIMITS.query,
      answer: async (request) => {
        try {
          return await this.answerQuery(request, scope?.service, context);
        } catch (error) {
          return queryErrorResponse(error, context.requestId);
        }
      }
    };
  }

  private dispatchJson(target: string, context: RequestContext): Dispatch {
    const separator = target.lastIndexOf('.');
    const service = this.byTargetPrefix.get(target.slice(0, separator));
    const operation = target.slice(separator + 1);
    if (!service) {
      const error = new AwsServiceError('UnknownServiceException', `No local service answers ${target}`);
      return {
        maxBodyBytes: BODY_LIMITS.json,
        answer: async () => jsonErrorResponse(error, 'application/x-amz-json-1.1', context.requestId)
      };
    }
    return {
      maxBodyBytes: ownMember(service.bodyLimits, operation) ?? BODY_LIMITS.json,
      answer: async (request) => {
        const fault = this.faults.take(service.signingName, operation);
        if (fault)
          return jsonErrorResponse(fault, `application/x-amz-json-${service.jsonVersion}`, context.requestId);
        return handleJsonRequest(service, operation, request.body, context);
      }
    };
  }

  /** A Query call (Action in the form body or the query string), found by its signing name or its Action. */
  private async answerQuery(
    request: WireRequest,
    signingName: string | undefined,
    context: RequestContext
  ): Promise<WireResponse> {
    const form = request.method === 'POST' ? parseForm(request.body) : request.query;
    const action = form.get('Action');
    if (action !== null) {
      const service =
        signingName !== undefined
          ? this.querySigningNames.get(signingName)
          : [...this.querySigningNames.values()].find(
              (candidate) => ownMember(candidate.operations, action) !== undefined
            );
      if (service) {
        const fault = this.faults.take(service.signingName, action);
        if (fault) return queryErrorResponse(fault, context.requestId);
        return handleQueryRequest(service, form, context);
      }
    }
    throw new AwsServiceError(
      'UnknownOperationException',
      `The local stack has no handler for ${request.method} ${request.path}`,
      404
    );
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
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  outgoing.end(body);
}
