import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SmokeRequest } from './cases.js';
import type { EndpointInvoker, Outcome } from './invoker.js';

export interface HttpTarget {
  /** The service's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Sent with every request (basic auth from the `url` input's user information). */
  authorization?: string;
  invocationsPath: string;
  pingPath: string;
  /** Longest wait for one answer. */
  timeoutMs: number;
}

export interface HttpInvoker extends EndpointInvoker {
  /** GET the ping path: its status, or undefined when nothing answers. */
  ping: () => Promise<number | undefined>;
}

interface RawAnswer {
  status: number;
  contentType?: string;
  body: Buffer;
}

/**
 * A container served without SageMaker (the SageMaker container contract: GET /ping, POST /invocations),
 * with kept-alive connections so the load phase measures the service, not connection set-up.
 */
export function httpInvoker(target: HttpTarget): HttpInvoker {
  const secure = target.url.startsWith('https:');
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    exchange(resolveUrl(target.url, path), {
      method,
      headers:
        target.authorization === undefined ? headers : { ...headers, authorization: target.authorization },
      agent,
      secure,
      timeoutMs: target.timeoutMs,
      ...(body !== undefined && { body })
    });
  return {
    target: resolveUrl(target.url, target.invocationsPath).toString(),
    invoke: async (request: SmokeRequest): Promise<Outcome> => {
      try {
        const answer = await send('POST', target.invocationsPath, requestHeaders(request), request.body);
        return { kind: 'answer', ...answer };
      } catch (error) {
        return { kind: 'unavailable', message: (error as Error).message };
      }
    },
    ping: async () => {
      try {
        return (await send('GET', target.pingPath, {})).status;
      } catch {
        return undefined;
      }
    },
    close: () => agent.destroy()
  };
}

function requestHeaders(request: SmokeRequest): Record<string, string> {
  return {
    'content-type': request.contentType,
    ...(request.accept !== undefined && { accept: request.accept }),
    ...(request.customAttributes !== undefined && {
      'x-amzn-sagemaker-custom-attributes': request.customAttributes
    })
  };
}

/** Paths resolve below the base URL, so a base with a path prefix (https://host/model) keeps it. */
function resolveUrl(base: string, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);
}

function exchange(
  url: URL,
  options: {
    method: string;
    headers: Record<string, string>;
    agent: HttpAgent;
    secure: boolean;
    timeoutMs: number;
    body?: Buffer;
  }
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const send = options.secure ? httpsRequest : httpRequest;
    const headers = {
      ...options.headers,
      ...(options.body && { 'content-length': String(options.body.length) })
    };
    const request = send(
      url,
      { method: options.method, headers, agent: options.agent },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const contentType = response.headers['content-type'];
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
            ...(contentType !== undefined && { contentType })
          });
        });
      }
    );
    request.setTimeout(options.timeoutMs, () =>
      request.destroy(new Error(`no answer from ${url.toString()} within ${options.timeoutMs / 1000} s`))
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
